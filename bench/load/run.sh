#!/usr/bin/env bash
# The load test: the production stack on loopback, started as deploy/smoke/run_stack.sh
# starts it (nginx with deploy/nginx/lindung.conf and a throwaway certificate, gunicorn
# with deploy/gunicorn.conf.py and the production settings, Celery worker and beat on
# Redis) but against an existing, already migrated database, then locust in steps.
#
#   .venv/bin/pip install -r requirements/bench.txt      # once: locust
#   bash bench/load/run.sh                               # LOAD_STEPS="50:300" by default
#   LOAD_STEPS="20:120 50:300 80:120 110:120" bash bench/load/run.sh
#
# Settings: LOAD_DB (default lindung_bench: bench.generate + bench.billing_generate),
# LOAD_STEPS ("users:seconds ..."), LOAD_OUT (default var/load), GUNICORN_WORKERS
# (default: the production file's 2 x cores + 1), LOAD_REDIS_URL (default db 13),
# LOAD_PAYMENTS (save, or form to only price payments). Payments the run records are
# taken back by `python -m bench.load.cleanup` at the end, so a shared database is left
# as it was. Results: LOAD_OUT/*.csv (locust), LOAD_OUT/requests-*.jsonl (the app's own
# request lines: view, CPU, database time), then `python -m bench.load.report`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
NGINX="${NGINX:-/usr/sbin/nginx}"
for tool in "$PY" "$ROOT/.venv/bin/gunicorn" "$ROOT/.venv/bin/celery" "$ROOT/.venv/bin/locust" "$NGINX"; do
  [ -x "$tool" ] || { echo "load: $tool is missing (pip install -r requirements/bench.txt; apt-get install nginx)" >&2; exit 1; }
done

DB="${LOAD_DB:-lindung_bench}"
STEPS="${LOAD_STEPS:-50:300}"
OUT="$ROOT/${LOAD_OUT:-var/load}"
REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/13}"
PAYMENTS="${LOAD_PAYMENTS:-save}"
RUN="$(mktemp -d /tmp/lindung-load.XXXXXX)"
chmod 755 "$RUN"
mkdir -p "$RUN/tmp" "$RUN/private" "$RUN/media" "$OUT"
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
  cp "$RUN"/*.log "$OUT/" 2>/dev/null
  # Whatever happened, take back the payments the run recorded.
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}" "$PY" -m bench.load.cleanup --fixture "$OUT/fixture.json"
  "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL" 2>/dev/null
  rm -rf "$RUN"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

read -r HTTPS_PORT HTTP_PORT APP_PORT < <("$PY" - <<'EOF'
import socket
free = []
for port in range(18600, 18700):
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

echo "load: files in $RUN; nginx https://localhost:${HTTPS_PORT}, gunicorn ${APP_PORT}, database ${DB}, steps ${STEPS}"
"$PY" manage.py migrate --check >/dev/null || { echo "load: ${DB} is not migrated to this tree's schema" >&2; exit 1; }
"$PY" manage.py collectstatic --noinput >"$RUN/setup.log" 2>&1
"$PY" -m bench.load.prepare --out "$OUT/fixture.json"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$RUN/tls.key" -out "$RUN/tls.crt" >/dev/null 2>&1
"$PY" deploy/smoke/nginx_conf.py "$RUN" "$HTTPS_PORT" "$HTTP_PORT" "$APP_PORT" "$RUN/static" "$RUN/tls.crt" "$RUN/tls.key"
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log"

WORKER_ARGS=()
[ -n "${GUNICORN_WORKERS:-}" ] && WORKER_ARGS=(--workers "$GUNICORN_WORKERS")
"$ROOT/.venv/bin/gunicorn" --config deploy/gunicorn.conf.py --bind "127.0.0.1:${APP_PORT}" "${WORKER_ARGS[@]}" \
  --pid "$RUN/gunicorn.pid" >"$RUN/gunicorn.log" 2>&1 &
PIDS+=($!)
"$ROOT/.venv/bin/celery" -A config worker --concurrency 1 --loglevel INFO --without-gossip --without-mingle \
  --hostname "load-$$@%h" >"$RUN/worker.log" 2>&1 &
PIDS+=($!)
"$ROOT/.venv/bin/celery" -A config beat --loglevel INFO --schedule "$RUN/beat-schedule" >"$RUN/beat.log" 2>&1 &
PIDS+=($!)
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -g "daemon off;" &
PIDS+=($!)

for _ in $(seq 120); do
  if "$PY" -c 'import requests, sys; requests.get(sys.argv[1], verify=sys.argv[2], timeout=2).raise_for_status()' \
    "https://localhost:${HTTPS_PORT}/healthz" "$RUN/tls.crt" >/dev/null 2>&1 && grep -q "ready" "$RUN/worker.log"; then
    break
  fi
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "load: a service died at start" >&2; exit 1; }; done
  sleep 0.5
done

for step in $STEPS; do
  users="${step%%:*}"
  seconds="${step##*:}"
  start_line=$(wc -l <"$RUN/gunicorn.log")
  echo "load: ${users} users for ${seconds}s; $(uptime)" | tee "$OUT/step-${users}.txt"
  grep -E '^cpu ' /proc/stat >>"$OUT/step-${users}.txt"
  LOAD_FIXTURE="$OUT/fixture.json" LOAD_CA="$RUN/tls.crt" "$ROOT/.venv/bin/locust" -f bench/load/locustfile.py \
    --headless --users "$users" --spawn-rate "$(( users > 10 ? users / 10 : 1 ))" --run-time "${seconds}s" \
    --host "https://localhost:${HTTPS_PORT}" --csv "$OUT/u${users}" --only-summary --payments "$PAYMENTS" \
    --stop-timeout 10 >"$OUT/locust-${users}.log" 2>&1 || true
  grep -E '^cpu ' /proc/stat >>"$OUT/step-${users}.txt"
  echo "after: $(uptime)" >>"$OUT/step-${users}.txt"
  tail -n +"$((start_line + 1))" "$RUN/gunicorn.log" | grep '"lindung.request"' >"$OUT/requests-${users}.jsonl" || true
  tail -n 3 "$OUT/locust-${users}.log"
done
echo "load: done; python -m bench.load.report --out ${OUT#"$ROOT"/} writes the BENCHMARKS.md section"
