from services.common.migrations import run_migrations
from services.parties.models import metadata

run_migrations(metadata)
