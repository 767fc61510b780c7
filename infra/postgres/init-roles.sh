#!/bin/sh
# docker compose, first start of the database: the three roles of infra/postgres/roles.sql,
# with the passwords given to the postgres container (docs/operations.md).
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v owner_password="$CARTS_OWNER_PASSWORD" -v writer_password="$CARTS_WRITER_PASSWORD" -v reader_password="$CARTS_READER_PASSWORD" \
  -f /carts/roles.sql
