#!/usr/bin/env bash
# Restores a dump into a scratch database and compares the row count of every table with the
# source database. A backup is only trusted once this passes.
#   verify-restore.sh <file.dump> <source-database>
set -euo pipefail
dump=${1:?usage: verify-restore.sh <file.dump> <source-database>}
source_db=${2:?usage: verify-restore.sh <file.dump> <source-database>}
scratch="verify_${source_db}_$$"
cleanup() { dropdb --if-exists --force "$scratch" >/dev/null 2>&1 || true; }
trap cleanup EXIT
createdb "$scratch"
pg_restore --no-owner --exit-on-error --dbname="$scratch" "$dump"
counts() {
  psql -Atq "$1" -c "select format('select %L, count(*) from %I.%I', table_schema || '.' || table_name, table_schema, table_name)
    from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1" | psql -Atq "$1" | sort
}
if diff <(counts "$source_db") <(counts "$scratch") >/dev/null; then
  echo "verified: $dump restores with the same row counts as $source_db"
else
  echo "MISMATCH: $dump does not restore to the row counts of $source_db (writes during the dump also cause this)" >&2
  diff <(counts "$source_db") <(counts "$scratch") >&2 || true
  exit 1
fi
