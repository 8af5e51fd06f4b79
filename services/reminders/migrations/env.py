"""Alembic environment of the reminders service.

Like `services.common.migrations.run_migrations`, plus one thing: APScheduler's job store shares
this database and manages its own table, which the migrations must neither create nor drop; and
`UtcDateTime` columns are rendered as the `DateTime(timezone=True)` they are stored as.
"""

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.types import TypeDecorator

from services.common.db import create_engine
from services.reminders.models import JOBSTORE_TABLE, metadata


def include_object(
    _object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any
) -> bool:
    """Leave the scheduler's job table (and its index) out of every comparison."""
    if type_ == "table":
        return name != JOBSTORE_TABLE
    table = getattr(_object, "table", None)
    return table is None or table.name != JOBSTORE_TABLE


def render_item(type_: str, obj: Any, _context: AutogenContext) -> str | bool:
    """Render a column type decorated in Python (UtcDateTime) as the plain type it stores."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def run() -> None:
    """Migrate online with batch mode, so SQLite can alter tables too."""
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set in the Alembic configuration")
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "render_as_batch": True,
        "include_object": include_object,
        "render_item": render_item,
    }
    if context.is_offline_mode():
        context.configure(url=url, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, compare_type=True, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run()
