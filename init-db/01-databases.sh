#!/bin/bash
# Runs when the postgres container initialises its data volume; safe to run again on a live server
# (docker compose exec postgres /docker-entrypoint-initdb.d/01-databases.sh), which is how a volume
# made before the owner/runtime split is upgraded.
#
# Each service gets its own database and two login roles, neither able to read another service's
# database:
# - castor_<service>_owner owns the database, its schema and every table. The service uses it only
#   to apply its migrations at start (DATABASE_MIGRATION_URL), then grants the runtime role its
#   table privileges (packages/service-kit/src/migrate.ts).
# - castor_<service> is what the service runs as (DATABASE_URL). It owns nothing, so it cannot
#   drop or disable the triggers that keep the audit log append-only, nor alter any table.
set -euo pipefail

create() {
  local database=$1 service=$2 owner_password=$3 runtime_password=$4
  local owner="castor_${service}_owner" runtime="castor_${service}"
  if [[ -z "$owner_password" || -z "$runtime_password" ]]; then
    echo "init-db: a password for $owner or $runtime is empty; set it in the environment" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v database="$database" \
    -v owner="$owner" -v owner_password="$owner_password" \
    -v runtime="$runtime" -v runtime_password="$runtime_password" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE ROLE %I', :'runtime') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'runtime')
\gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"runtime" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'runtime_password';
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database')
\gexec
ALTER DATABASE :"database" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"runtime";
SQL
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$database" \
    -v owner="$owner" -v runtime="$runtime" <<'SQL'
-- Before the split the runtime role owned the schema and its tables: they pass to the owner, and the
-- service's next start grants the runtime role its privileges back.
REASSIGN OWNED BY :"runtime" TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
SQL
}

create core_db core "${CORE_DB_OWNER_PASSWORD:-}" "${CORE_DB_PASSWORD:-}"
create e14_db e14 "${E14_DB_OWNER_PASSWORD:-}" "${E14_DB_PASSWORD:-}"
create dashboard_db dashboard "${DASHBOARD_DB_OWNER_PASSWORD:-}" "${DASHBOARD_DB_PASSWORD:-}"
