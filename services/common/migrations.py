"""Alembic helpers shared by every migration environment (the keys store and each service)."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from services.common.db import create_engine, normalize_url


def alembic_config(script_location: Path, database_url: str) -> Config:
    """Return an Alembic configuration for one migration environment and database."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    # ConfigParser would read "%" in a password as interpolation.
    url = normalize_url(database_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    """Migrate a database to `revision`."""
    command.upgrade(alembic_config(script_location, database_url), revision)


def check(script_location: Path, database_url: str) -> None:
    """Raise when the models and the migrated schema differ (`alembic check`)."""
    command.check(alembic_config(script_location, database_url))


def run_migrations(target_metadata: MetaData, *, version_table: str = "alembic_version") -> None:
    """Body of an `env.py`: migrate online with batch mode, so SQLite can alter tables too."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set in the Alembic configuration")
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=target_metadata,
            render_as_batch=True,
            version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                version_table=version_table,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
