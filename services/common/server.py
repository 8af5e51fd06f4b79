"""Run a service: `migrate`, `seed`, `setup`, `prestart`, `serve`, or `run` (the default)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import stamina
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from services.common import migrations
from services.common.db import create_engine, ping
from services.common.keys.store import MIGRATIONS as KEYS_MIGRATIONS
from services.common.keys.store import api_keys
from services.common.memory import limit_malloc_arenas
from services.common.observability import configure_logging
from services.common.privileges import RuntimeRoleError, grant_runtime_privileges
from services.common.settings import ServiceSettings
from services.common.startup import (
    StartupError,
    load_settings,
    prepare_sqlite_folders,
    run_guarded,
)

logger = logging.getLogger(__name__)


# What each command does, step by step. Grants come last, once every table exists (the seed may
# create some too). `serve` only serves: a deployment runs it as a runtime role that may not
# migrate, seed or grant (`prestart`, as the owner, did that first).
STEPS: dict[str, tuple[str, ...]] = {
    "migrate": ("migrate", "grant"),
    "seed": ("seed",),
    "setup": ("migrate", "seed", "grant"),
    "prestart": ("wait", "migrate", "seed", "grant"),
    "serve": ("serve",),
    "run": ("wait", "migrate", "seed", "grant", "serve"),
}
# The steps that change the database's schema, contents or privileges: the owner's work.
OWNER_STEPS = frozenset({"migrate", "seed", "grant"})


@dataclass(frozen=True)
class ServiceCommands:
    """What a service plugs into the shared command line."""

    name: str
    settings: type[ServiceSettings]
    migrations: Path
    seed: Callable[[ServiceSettings], None]
    create_app: Callable[[ServiceSettings], FastAPI]


def main(service: ServiceCommands, argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the steps it asks for."""
    args = parser(service.name).parse_args(argv)
    prefix = f"{service.name.upper()}_"
    return run_guarded(f"python -m services.{service.name}", prefix, lambda: _main(service, args))


def _main(service: ServiceCommands, args: argparse.Namespace) -> int:
    settings = load_settings(service.settings)
    if args.port is not None:
        settings = settings.model_copy(update={"port": args.port})
    configure_logging(level=settings.log_level, json=settings.log_json, service=service.name)
    problems = settings.production_problems()
    if problems:
        logger.error("refusing to start in production: %s", "; ".join(problems))
        return 2
    if "serve" in STEPS[args.command] and (mismatch := serving_role_mismatch(settings)):
        logger.error("refusing to serve: %s", mismatch)
        return 2
    prepare_sqlite_folders(settings)
    try:
        for step in STEPS[args.command]:
            _run_step(step, service, settings)
    except RuntimeRoleError as error:
        logger.error("cannot grant the runtime role its privileges: %s", error)
        return 2
    except OperationalError as error:
        raise StartupError(
            f"a database does not answer ({_first_line(error)}): check "
            f"{settings.variable('database_url')} and {settings.variable('keys_database_url')}"
        ) from error
    return 0


def _first_line(error: OperationalError) -> str:
    return str(error.orig or error).strip().splitlines()[0]


def _run_step(step: str, service: ServiceCommands, settings: ServiceSettings) -> None:
    if step == "wait":
        wait_for_databases(settings)
    elif step == "migrate":
        migrations.upgrade(KEYS_MIGRATIONS, settings.keys_database_url)
        migrations.upgrade(service.migrations, settings.database_url)
        logger.info("migrated", extra={"service": service.name})
    elif step == "seed":
        service.seed(settings)
        logger.info("seeded", extra={"service": service.name})
    elif step == "grant":
        grant_runtime_roles(settings)
    elif step == "serve":
        limit_malloc_arenas()
        uvicorn.run(
            service.create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            # Trust X-Forwarded-For only from the listed proxies: the client address is what
            # the failed-key rate limit counts, and anyone could forge the header otherwise.
            proxy_headers=bool(settings.forwarded_allow_ips),
            forwarded_allow_ips=settings.forwarded_allow_ips or None,
            timeout_keep_alive=settings.keep_alive_seconds,
        )


def serving_role_mismatch(settings: ServiceSettings) -> str | None:
    """Say why serving would connect as another role than the runtime role named, if it would.

    Naming a runtime role promises that the API cannot rewrite the audit log; serving as the
    owner (with `run`, or the owner's URL) would quietly break that promise.
    """
    prefix = str(settings.model_config.get("env_prefix", "")).upper()
    pairs = (
        (f"{prefix}DATABASE", settings.database_url, settings.database_runtime_role),
        ("KEYS_DATABASE", settings.keys_database_url, settings.keys_database_runtime_role),
    )
    for name, url, role in pairs:
        user = make_url(url).username
        if role and user != role:
            return (
                f"{name}_RUNTIME_ROLE names {role}, but {name}_URL connects as {user}: serve "
                f"with the runtime role's URL (`serve`), after `prestart` as the owner"
            )
    return None


def grant_runtime_roles(settings: ServiceSettings) -> None:
    """Grant the configured runtime roles their privileges (nothing without one)."""
    # The API only reads keys (they are made with the CLI, as the owner). Named for both
    # databases, because the keys may share one with a service.
    read_only = (api_keys.name,)
    for url, role in (
        (settings.database_url, settings.database_runtime_role),
        (settings.keys_database_url, settings.keys_database_runtime_role),
    ):
        if role:
            grant_runtime_privileges(url, role, read_only=read_only)
            logger.info("granted", extra={"role": role})


def wait_for_databases(settings: ServiceSettings, timeout: float | None = None) -> None:
    """Wait until the service's database and the key store answer (a container's prestart)."""
    timeout = settings.database_wait_seconds if timeout is None else timeout
    for field in ("database_url", "keys_database_url"):
        engine = create_engine(getattr(settings, field))
        try:
            for attempt in stamina.retry_context(
                on=OperationalError, attempts=None, timeout=timeout, wait_initial=0.5, wait_max=5.0
            ):
                with attempt:
                    ping(engine)
        except OperationalError as error:
            raise StartupError(
                f"{settings.variable(field)}: the database did not answer within {timeout:g} s "
                f"({_first_line(error)})"
            ) from error
        finally:
            engine.dispose()
    logger.info("databases answer")


def parser(name: str) -> argparse.ArgumentParser:
    """Return the command line parser of a service (`python -m services.<name>`)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m services.{name}",
        description=f"The {name} service. Without a command: prestart, then serve.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=list(STEPS),
        help="setup = migrate + seed + grant; prestart = wait for the databases + setup; "
        "serve = serve only; run (default) = prestart + serve",
    )
    parser.add_argument("--port", type=_port, help="port to listen on (1-65535)")
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)
