#!/usr/bin/env bash
# End-to-end `manage.py backup` then `manage.py restore` into a new database, twice: with
# the PostgreSQL-computed checksums (what the code does) and with the Python checksums
# every archive used before (forced here for comparison; restore follows the manifest).
# Prints each command's wall time and the load average; drops the restored databases and
# archives at the end. The source database is only read.
#
#   BACKUP_DB=lindung_h13bench bash bench/backup_roundtrip.sh
#   BACKUP_DB=lindung_bench BACKUP_KINDS=sql bash bench/backup_roundtrip.sh   # only what the code does
#
# The archives go to var/ (BACKUP_KEEP=1 keeps them and prints their size).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(pwd)/.venv/bin/python"
SOURCE="${BACKUP_DB:?set BACKUP_DB to the database to back up}"
KINDS="${BACKUP_KINDS:-sql python}"
PG="postgres://postgres@127.0.0.1:5432"
OUT="$(mktemp -d "$(pwd)/var/backup-roundtrip.XXXXXX")"
export LINDUNG_BACKUP_DIR="$OUT"
cleanup() {
  for kind in $KINDS; do dropdb -h 127.0.0.1 -U postgres --if-exists "${SOURCE}_rt_${kind}"; done
  du -sh "$OUT"/*.tar 2>/dev/null || true
  [ -n "${BACKUP_KEEP:-}" ] || rm -rf "$OUT"
}
trap cleanup EXIT

timed() {
  local label="$1"
  shift
  local load started
  load="$(cut -d' ' -f1 /proc/loadavg)"
  started="$(date +%s.%N)"
  "$@"
  echo "$label: $(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f') s wall (load $load)"
}

for kind in $KINDS; do
  createdb -h 127.0.0.1 -U postgres "${SOURCE}_rt_${kind}"
  if [ "$kind" = sql ]; then
    DATABASE_URL="$PG/$SOURCE" timed "backup ($kind)" "$PY" manage.py backup --output "$OUT/$kind.tar"
  else
    DATABASE_URL="$PG/$SOURCE" timed "backup ($kind)" "$PY" -c '
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
from lindung.operations.backup import checksums
checksums.default_algorithm = lambda alias="default": checksums.ALGORITHM  # as before PostgreSQL computed them
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "backup", "--output", sys.argv[1]])
' "$OUT/$kind.tar"
  fi
  DATABASE_URL="$PG/${SOURCE}_rt_${kind}" timed "restore ($kind)" "$PY" manage.py restore "$OUT/$kind.tar"
done
