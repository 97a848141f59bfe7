#!/usr/bin/env bash
# Dumps each CASTOR database (custom format) with a SHA-256 manifest, then proves the dump
# restores by loading it into a scratch database and comparing row counts table by table.
#   PGHOST=... PGUSER=... PGPASSWORD=... deploy/backup/backup.sh /var/backups/castor
set -euo pipefail
target=${1:?usage: backup.sh <directory>}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir="$target/$stamp"
mkdir -p "$dir"
for database in ${CASTOR_DATABASES:-core_db e14_db dashboard_db}; do
  if ! psql -Atqc "select 1" "$database" >/dev/null 2>&1; then
    echo "skip $database (not present)"
    continue
  fi
  pg_dump --format=custom --no-owner --file="$dir/$database.dump" "$database"
  "$(dirname "$0")/verify-restore.sh" "$dir/$database.dump" "$database"
done
(cd "$dir" && sha256sum ./*.dump > SHA256SUMS)
echo "backup complete: $dir"
