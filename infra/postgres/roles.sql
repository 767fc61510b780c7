-- The three PostgreSQL roles of the read-model database (docs/security.md, docs/operations.md).
-- Run once, as a superuser, on the carts database (before or after the first migration):
--   psql -v ON_ERROR_STOP=1 -v owner_password=... -v writer_password=... -v reader_password=... -d carts -f infra/postgres/roles.sql
-- Safe to run again (to rotate passwords, or after adding a role). Rename the roles here and in
-- the services' URLs if you need other names. libs/infra/src/postgres-roles.spec.ts keeps the
-- grants equal to what `npm start` and the tests apply (libs/infra/src/postgres-roles.ts).

-- carts_owner owns the tables and runs migrations (DATABASE_OWNER_URL); carts_writer is the projector's
-- and cartctl's DATABASE_URL; carts_reader is the query service's.
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY['carts_owner', 'carts_writer', 'carts_reader']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE carts_owner PASSWORD :'owner_password';
ALTER ROLE carts_writer PASSWORD :'writer_password';
ALTER ROLE carts_reader PASSWORD :'reader_password';

-- Rows for the writer, SELECT for the reader, on today's tables and (default privileges) on every
-- table the owner creates later: a migration's, a rebuild's new generation.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE "carts" TO "carts_owner", "carts_writer", "carts_reader";
GRANT USAGE, CREATE ON SCHEMA public TO "carts_owner";
GRANT USAGE ON SCHEMA public TO "carts_writer", "carts_reader";
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO "carts_writer";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "carts_writer";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "carts_writer";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO "carts_reader";
ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO "carts_writer";
ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "carts_writer";
ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO "carts_writer";
ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" IN SCHEMA public GRANT SELECT ON TABLES TO "carts_reader";
