#!/bin/sh
# Runs once, when the PostgreSQL volume is created: one database per service, plus the key store,
# all owned by the application role ($POSTGRES_USER), which migrates them; and the runtime role
# ($POSTGRES_APP_USER) the services connect as. It owns nothing: each service's setup grants it
# what its API needs, and the audit log only to read and append to.
set -eu
for database in actions parties reminders keys; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE \"$database\" OWNER \"$POSTGRES_USER\""
done
# psql variables (not shell interpolation), so a password may hold any character.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$POSTGRES_APP_USER" -v password="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
SQL
