"""Real receivers on loopback: an SMTP server (aiosmtpd) and a webhook endpoint that records
what arrives, checks Standard Webhooks signatures, and can answer slowly, hold a request open, or
fail, on demand."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tools.processes import free_port

# A Standard Webhooks secret: "whsec_" and the base64 of the key.
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
# Every wait of a receiver is bounded, so a test that forgets to release it still ends.
LONGEST_WAIT_S = 30.0


class _Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts."""

    port: int
    sink: _Sink = field(default_factory=_Sink)
    controller: Controller | None = None

    def start(self) -> None:
        """Listen on the port."""
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.sink.lock:
            return list(self.sink.messages)

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


def text_of(message: EmailMessage) -> str:
    """The plain-text part of a message as received (the reminders are text with HTML)."""
    body = message.get_body(("plain",))
    assert body is not None, message
    content: str = body.get_content()
    return content


@contextmanager
def smtp_server(*, started: bool = True) -> Iterator[SmtpServer]:
    """Run an SMTP server on a free loopback port (or only reserve the port, to start later)."""
    server = SmtpServer(port=free_port())
    if started:
        server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int | None = None  # the status the receiver answered with, once it did

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """An HTTP endpoint on 127.0.0.1 that records every POST and answers as told."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 204
        self.delay_s = 0.0
        self.hold_request_number: int | None = None
        self.longest_hold_s = LONGEST_WAIT_S
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/reminders"

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def distinct_ids(self) -> set[str]:
        return {r.webhook_id for r in self.requests()}

    def accepted_ids(self) -> list[str]:
        """The ids of the requests answered with a 2xx, once per answer."""
        return [r.webhook_id for r in self.requests() if r.answered and r.answered < 300]

    def _record(self, received: Received) -> int:
        with self._lock:
            self.received.append(received)
            return len(self.received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    # The sender died mid-request (a test kills it): a receiver would refuse
                    # the torn body, so it is not counted as received.
                    self.close_connection = True
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                received = Received(headers, body, _verified(body, headers))
                number = receiver._record(received)
                if number == receiver.hold_request_number:
                    receiver.held.set()
                    receiver.release.wait(receiver.longest_hold_s)
                if receiver.delay_s:
                    receiver.release.wait(min(receiver.delay_s, LONGEST_WAIT_S))
                received.answered = receiver.status
                self.send_response(receiver.status)
                if receiver.status in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(LONGEST_WAIT_S)


def _verified(body: bytes, headers: dict[str, str]) -> bool:
    try:
        Webhook(WEBHOOK_SECRET).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """Run a webhook receiver on a free loopback port."""
    receiver = WebhookReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


class Trickler:
    """A server on 127.0.0.1 that answers every connection with a script of its own (slowly):
    each read of the client gets something in time, while the whole answer takes long."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self._script = script
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        # OSError: the client gave up, which is what these tests want to see.
        with connection, contextlib.suppress(OSError):
            connection.settimeout(LONGEST_WAIT_S)
            self._script(connection)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(LONGEST_WAIT_S)
        self._listener.close()


def trickle(connection: socket.socket, text: str, interval_s: float) -> None:
    """Send `text` one byte at a time, `interval_s` apart."""
    for byte in text.encode():
        connection.sendall(bytes([byte]))
        time.sleep(interval_s)


def trickling_http(interval_s: float) -> Callable[[socket.socket], None]:
    """Read one request, then answer 204, slowly."""

    def script(connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += connection.recv(65536)
        length = int(re.search(rb"content-length: *(\d+)", request, re.I).group(1))  # type: ignore[union-attr]
        body = request.partition(b"\r\n\r\n")[2]
        while len(body) < length:
            body += connection.recv(65536)
        trickle(connection, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", interval_s)

    return script


def slow_smtp(pause_s: float) -> Callable[[socket.socket], None]:
    """Speak just enough SMTP to take one message, each reply `pause_s` late: every step
    answers within a per-step timeout longer than that, while the whole takes many pauses."""

    def reply(connection: socket.socket, text: str) -> None:
        time.sleep(pause_s)
        connection.sendall(text.encode())

    def script(connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        reply(connection, "220 slow ESMTP\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                reply(connection, "354 go on\r\n")
                while reader.readline() not in (b".\r\n", b""):
                    pass
            elif verb == b"QUIT":
                reply(connection, "221 bye\r\n")
                return
            reply(connection, "250 ok\r\n")

    return script


@contextmanager
def trickler(script: Callable[[socket.socket], None]) -> Iterator[Trickler]:
    """Run a trickling server on a free loopback port."""
    server = Trickler(script)
    server._thread.start()
    try:
        yield server
    finally:
        server.stop()
