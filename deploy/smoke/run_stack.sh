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
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
NGINX="${NGINX:-/usr/sbin/nginx}"

for tool in "$PY" "$ROOT/.venv/bin/gunicorn" "$ROOT/.venv/bin/celery" "$NGINX"; do
  [ -x "$tool" ] || { echo "smoke: $tool is missing (run make setup; apt-get install nginx)" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "smoke: openssl is missing" >&2; exit 1; }

DB="${SMOKE_DB:-lindung_smoke_$$}"
REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/5}"
RUN="$(mktemp -d /tmp/lindung-smoke.XXXXXX)"
# nginx's workers run as www-data when started by root: they read the static files
# below; the private folder stays closed to them.
chmod 755 "$RUN"
mkdir -p "$RUN/tmp" "$RUN/private" "$RUN/media"
chmod 700 "$RUN/private"
PIDS=()

stop() {
  local status=$?
  set +e
  [ -f "$RUN/nginx.pid" ] && "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -s quit 2>/dev/null
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
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

read -r HTTPS_PORT HTTP_PORT APP_PORT < <("$PY" - <<'EOF'
import socket
free = []
for port in range(18400, 18500):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    free.append(port)
    if len(free) == 3:
        break
print(*free)
EOF
)

# Throwaway secrets, for this run only.
export DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DJANGO_ALLOWED_HOSTS="localhost"
export DJANGO_CSRF_TRUSTED_ORIGINS="https://localhost:${HTTPS_PORT}"
export LINDUNG_STATIC_ROOT="$RUN/static"
export LINDUNG_PRIVATE_MEDIA_ROOT="$RUN/private"
export LINDUNG_MEDIA_ROOT="$RUN/media"
export LINDUNG_JOBS_MODE=celery
export CELERY_BROKER_URL="$REDIS_URL"
export CACHE_URL="$REDIS_URL"
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

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$RUN/tls.key" -out "$RUN/tls.crt" >/dev/null 2>&1
"$PY" deploy/smoke/nginx_conf.py "$RUN" "$HTTPS_PORT" "$HTTP_PORT" "$APP_PORT" "$RUN/static" "$RUN/tls.crt" "$RUN/tls.key"
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log"

"$ROOT/.venv/bin/gunicorn" --config deploy/gunicorn.conf.py --bind "127.0.0.1:${APP_PORT}" --workers 2 \
  --pid "$RUN/gunicorn.pid" >"$RUN/gunicorn.log" 2>&1 &
PIDS+=($!)
"$ROOT/.venv/bin/celery" -A config worker --concurrency 1 --loglevel INFO --without-gossip --without-mingle \
  --hostname "smoke-$$@%h" >"$RUN/worker.log" 2>&1 &
PIDS+=($!)
"$ROOT/.venv/bin/celery" -A config beat --loglevel INFO --schedule "$RUN/beat-schedule" >"$RUN/beat.log" 2>&1 &
PIDS+=($!)
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -g "daemon off;" &
PIDS+=($!)

# Up when nginx answers /healthz from gunicorn and the worker has said it is ready.
for _ in $(seq 120); do
  if "$PY" -c 'import requests, sys; requests.get(sys.argv[1], verify=sys.argv[2], timeout=2).raise_for_status()' \
    "https://localhost:${HTTPS_PORT}/healthz" "$RUN/tls.crt" >/dev/null 2>&1 && grep -q "ready" "$RUN/worker.log"; then
    break
  fi
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "smoke: a service died at start" >&2; exit 1; }; done
  sleep 0.5
done

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
echo "smoke: passed"
