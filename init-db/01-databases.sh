#!/bin/bash
# Runs once, when the postgres container initialises its data volume. Each service gets its own
# database and its own login role that owns only that database (least privilege): no service can
# read another's tables even if its credentials leak.
set -euo pipefail

create() {
  local database=$1 role=$2 password=$3
  if [[ -z "$password" ]]; then
    echo "init-db: the password for $role is empty; set it in the environment" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$role" -v password="$password" -v database="$database" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$database" -v role="$role" <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"role";
SQL
}

create core_db castor_core "${CORE_DB_PASSWORD:-}"
create e14_db castor_e14 "${E14_DB_PASSWORD:-}"
create dashboard_db castor_dashboard "${DASHBOARD_DB_PASSWORD:-}"
