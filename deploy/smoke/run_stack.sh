#!/usr/bin/env bash
# Starts the production stack on loopback and runs the smoke journey through it:
#   nginx (Debian's, this repository's deploy/nginx/lindung.conf, TLS with a throwaway
#   self-signed certificate) -> gunicorn (deploy/gunicorn.conf.py, config.settings.production)
#   -> PostgreSQL (a fresh database, dropped at the end); Celery worker and beat on Redis
#   (LINDUNG_JOBS_MODE=celery). Every secret is generated here for this run only.
# Stops everything and removes its files on exit, whatever happens.
#
# Needs: `make setup` done, nginx and openssl installed (`.ci/run` installs nginx),
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379.
# Settings: SMOKE_DB (database name, default lindung_smoke_<pid>), SMOKE_REDIS_URL
# (default redis://127.0.0.1:6379/5; the run empties that Redis database at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=deploy/smoke/stack.sh
. deploy/smoke/stack.sh
stack_init smoke 18400

DB="${SMOKE_DB:-lindung_smoke_$$}"
REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/5}"

stop() {
  local status=$?
  set +e
  stack_stop
  if [ "$status" != 0 ]; then
    for log in "$RUN"/*.log; do
      [ -f "$log" ] || continue
      echo "----- $(basename "$log") (last 40 lines)"
      tail -n 40 "$log"
    done
  fi
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" postgres >/dev/null 2>&1
  "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL" 2>/dev/null
  rm -rf "$RUN"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

stack_env "$DB" "$REDIS_URL"
# The demo has a few dozen participants: export them through a job, as a big list would be.
export LINDUNG_EXPORT_SYNC_MAX_ROWS=5
export LINDUNG_DASHBOARD_REFRESH=inline

echo "smoke: files in $RUN; nginx https://localhost:${HTTPS_PORT} (http ${HTTP_PORT}), gunicorn ${APP_PORT}, database ${DB}"
psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE ${DB}" postgres
"$PY" manage.py migrate --noinput >"$RUN/setup.log" 2>&1
"$PY" manage.py collectstatic --noinput >>"$RUN/setup.log" 2>&1
# Demo data (Bengkalis regions, an admin, two coordinators, contribution rules, payment
# methods) in this throwaway database; its password is the demo one, printed by the app.
"$PY" manage.py load_demo --force --participants 30 >>"$RUN/setup.log" 2>&1
DEMO_PASSWORD="$("$PY" -c 'import django; django.setup(); from lindung.demo.management.commands.load_demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')"

stack_start --workers 2

"$PY" deploy/smoke/journey.py --base "https://localhost:${HTTPS_PORT}" --http "http://localhost:${HTTP_PORT}" \
  --ca "$RUN/tls.crt" --username koordinator.bengkalis --password "$DEMO_PASSWORD" \
  --worker-log "$RUN/worker.log" --secrets-out "$RUN/secrets.txt"

# Beat is up and has the nightly schedule.
grep -q "beat: Starting" "$RUN/beat.log" || { echo "smoke: Celery beat did not start" >&2; exit 1; }
for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "smoke: a service stopped during the journey" >&2; exit 1; }; done

# Logs: one JSON object per line from gunicorn, the app and the worker, and none of the
# NIK, phone number or passwords the journey sent.
"$PY" - "$RUN" <<'EOF'
import json, sys
from pathlib import Path
run = Path(sys.argv[1])
secrets = [s for s in (run / "secrets.txt").read_text().split("\n") if s]
for name in ("gunicorn.log", "worker.log", "beat.log", "nginx-access.log"):
    lines = (run / name).read_text().splitlines()
    assert lines, f"{name} is empty"
    for number, line in enumerate(lines, 1):
        if name in ("worker.log", "beat.log") and not line.startswith("{"):
            continue  # Celery's start-up banner is printed, not logged
        json.loads(line)  # one JSON object per line
        for secret in secrets:
            assert secret not in line, f"{name}:{number} carries a NIK, phone or password"
print("smoke: logs are JSON lines and carry no NIK, phone number or password")
EOF
# gunicorn down (a restart, a crash): nginx answers with the product's page and
# Retry-After, not its own bare 502. Last, since it stops the app.
kill -TERM "$GUNICORN_PID"
for _ in $(seq 100); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
"$PY" deploy/smoke/app_down.py --base "https://localhost:${HTTPS_PORT}" --ca "$RUN/tls.crt"
echo "smoke: passed"
