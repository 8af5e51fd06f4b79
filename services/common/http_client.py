"""Base for service-to-service HTTP clients: timeouts, retries with backoff, mapped errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Self, TypeVar

import httpx
import stamina
from pydantic import BaseModel, Field, ValidationError

from services.common.errors import NotFound, ServiceUnavailable, UpstreamError
from services.common.observability import REQUEST_ID_HEADER, current_request_id
from services.common.transactions import ensure_outside_write_transaction

M = TypeVar("M", bound=BaseModel)


class ListPage(BaseModel):
    """What every list envelope has: its items (typed by a subclass), and how many the whole
    list holds."""

    items: list[Any]
    total: int = Field(ge=0)


P = TypeVar("P", bound=ListPage)

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
RETRYABLE_STATUSES = frozenset({502, 503, 504})


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class ServiceClient:
    """A synchronous JSON client for one remote service; subclass it per service."""

    service_name = "service"

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        attempts: int = 3,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url, transport=transport, timeout=timeout, follow_redirects=False
        )
        self._attempts = attempts

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def get_json(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON document; 404 → NotFound, unreachable after retries → ServiceUnavailable,
        an answer that is not JSON → UpstreamError."""
        return self._json(self._send("GET", path, params=params), path)

    def get_json_if_changed(
        self, path: str, *, etag: str | None, params: dict[str, Any] | None = None
    ) -> tuple[Any, str | None] | None:
        """GET a JSON document unless it still has the entity tag `etag` (If-None-Match): None
        when it is unchanged, else the document and its new tag. Errors as `get_json`."""
        headers = {"If-None-Match": etag} if etag else {}
        response = self._send("GET", path, headers=headers, params=params)
        if response.status_code == 304:
            return None
        return self._json(response, path), response.headers.get("ETag")

    def _json(self, response: httpx.Response, path: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise UpstreamError(
                f"The {self.service_name} service answered {path} with something other than "
                f"JSON ({response.headers.get('content-type', 'no content type')})."
            ) from exc

    def get_model(self, path: str, model: type[M], *, params: dict[str, Any] | None = None) -> M:
        """GET a JSON document and validate it as `model`; any other shape → UpstreamError."""
        document = self.get_json(path, params=params)
        try:
            return model.model_validate(document)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the document"
            raise UpstreamError(
                f"The {self.service_name} service answered {path} with an unexpected document "
                f"({where}: {first['msg']})."
            ) from exc

    def get_pages(
        self, path: str, page: type[P], *, params: dict[str, Any], limit: int
    ) -> Iterator[P]:
        """GET a list envelope page after page (`limit` items each) until its `total` is read;
        each page validated as `get_model` does."""
        offset = 0
        while True:
            found = self.get_model(path, page, params={**params, "limit": limit, "offset": offset})
            yield found
            offset += limit
            if offset >= found.total or not found.items:
                return

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        ensure_outside_write_transaction(f"a call to the {self.service_name} service")
        try:
            response = self._send_with_retries(method, path, **kwargs)
        except _RetryableStatus as exc:
            raise ServiceUnavailable(
                f"The {self.service_name} service answered {exc.response.status_code}."
            ) from exc
        except httpx.TransportError as exc:
            raise ServiceUnavailable(
                f"The {self.service_name} service cannot be reached ({type(exc).__name__})."
            ) from exc
        return _checked(response, self.service_name)

    def _send_with_retries(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**_forwarded_headers(), **(headers or {})}
        for attempt in stamina.retry_context(
            on=(httpx.TransportError, _RetryableStatus),
            attempts=self._attempts,
            wait_initial=0.1,
            wait_max=2.0,
        ):
            with attempt:
                response = self._client.request(method, path, headers=headers, **kwargs)
                if response.status_code in RETRYABLE_STATUSES:
                    raise _RetryableStatus(response)
        return response


def _forwarded_headers() -> dict[str, str]:
    request_id = current_request_id()
    return {REQUEST_ID_HEADER: request_id} if request_id else {}


def _checked(response: httpx.Response, service_name: str) -> httpx.Response:
    if response.status_code == 404:
        raise NotFound(_detail(response) or f"Not found at the {service_name} service.")
    # 304 answers a conditional GET only (`get_json_if_changed`).
    if not response.is_success and response.status_code != 304:
        raise UpstreamError(
            f"The {service_name} service answered {response.status_code}: {_detail(response)}"
        )
    return response


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))
    except ValueError:
        return ""
