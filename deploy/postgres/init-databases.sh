#!/bin/sh
# Runs once, when the PostgreSQL volume is created: one database per service, plus the key store,
# all owned by the application role.
set -eu
for database in actions parties reminders keys; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE \"$database\" OWNER \"$POSTGRES_USER\""
done
