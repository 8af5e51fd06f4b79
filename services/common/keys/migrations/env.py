from services.common.keys.store import metadata
from services.common.migrations import run_migrations

# Its own version table, so the keys may share a database with a service.
run_migrations(metadata, version_table="alembic_version_keys")
