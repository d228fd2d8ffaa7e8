# The production stack on loopback, for deploy/smoke/run_stack.sh and bench/load/run.sh
# (sourced by both, so they start the very same thing): nginx (Debian's, this
# repository's deploy/nginx/lindung.conf, TLS with a throwaway self-signed certificate)
# -> gunicorn (deploy/gunicorn.conf.py, config.settings.production) -> PostgreSQL; Celery
# worker and beat on Redis (LINDUNG_JOBS_MODE=celery). Every secret is generated for the
# run only. The caller sets its own `trap ... EXIT` and calls stack_stop in it.
#
#   stack_init NAME FIRST_PORT TOOL...   ROOT PY NGINX RUN PIDS, three free ports from FIRST_PORT
#   stack_env DATABASE REDIS_URL         the production settings' environment
#   stack_start [GUNICORN_ARG...]        certificate, nginx config, the four services; waits until up
#   stack_stop                           stops what stack_start started

stack_init() {
  STACK_NAME="$1"
  local first_port="$2"
  shift 2
  ROOT="$(pwd)"
  PY="$ROOT/.venv/bin/python"
  NGINX="${NGINX:-/usr/sbin/nginx}"
  local tool
  for tool in "$PY" "$ROOT/.venv/bin/gunicorn" "$ROOT/.venv/bin/celery" "$NGINX" "$@"; do
    [ -x "$tool" ] || { echo "$STACK_NAME: $tool is missing (make setup; apt-get install nginx; locust: pip install -r requirements/bench.txt)" >&2; exit 1; }
  done
  command -v openssl >/dev/null || { echo "$STACK_NAME: openssl is missing" >&2; exit 1; }
  RUN="$(mktemp -d "/tmp/lindung-${STACK_NAME}.XXXXXX")"
  # nginx's workers run as www-data when started by root: they read the static files;
  # the private folder stays closed to them.
  chmod 755 "$RUN"
  mkdir -p "$RUN/tmp" "$RUN/private" "$RUN/media"
  chmod 700 "$RUN/private"
  PIDS=()
  read -r HTTPS_PORT HTTP_PORT APP_PORT < <("$PY" - "$first_port" <<'EOF'
import socket, sys
first = int(sys.argv[1])
free = []
for port in range(first, first + 100):
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
}

stack_env() {
  export DJANGO_SETTINGS_MODULE=config.settings.production
  DJANGO_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export DJANGO_SECRET_KEY
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$1"
  export DJANGO_ALLOWED_HOSTS="localhost"
  export DJANGO_CSRF_TRUSTED_ORIGINS="https://localhost:${HTTPS_PORT}"
  export LINDUNG_STATIC_ROOT="$RUN/static"
  export LINDUNG_PRIVATE_MEDIA_ROOT="$RUN/private"
  export LINDUNG_MEDIA_ROOT="$RUN/media"
  export LINDUNG_JOBS_MODE=celery
  export CELERY_BROKER_URL="$2"
  export CACHE_URL="$2"
}

# Up when nginx answers /healthz from gunicorn and the worker has said it is ready.
stack_wait() {
  local pid
  for _ in $(seq 120); do
    if "$PY" -c 'import requests, sys; requests.get(sys.argv[1], verify=sys.argv[2], timeout=2).raise_for_status()' \
      "https://localhost:${HTTPS_PORT}/healthz" "$RUN/tls.crt" >/dev/null 2>&1 && grep -q "ready" "$RUN/worker.log"; then
      return 0
    fi
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "$STACK_NAME: a service died at start" >&2; exit 1; }; done
    sleep 0.5
  done
  echo "$STACK_NAME: the stack did not come up in 60 s" >&2
  exit 1
}

stack_start() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$RUN/tls.key" -out "$RUN/tls.crt" >/dev/null 2>&1
  "$PY" deploy/smoke/nginx_conf.py "$RUN" "$HTTPS_PORT" "$HTTP_PORT" "$APP_PORT" "$RUN/static" "$RUN/tls.crt" "$RUN/tls.key"
  "$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log"

  "$ROOT/.venv/bin/gunicorn" --config deploy/gunicorn.conf.py --bind "127.0.0.1:${APP_PORT}" "$@" \
    --pid "$RUN/gunicorn.pid" >"$RUN/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  PIDS+=("$GUNICORN_PID")
  "$ROOT/.venv/bin/celery" -A config worker --concurrency 1 --loglevel INFO --without-gossip --without-mingle \
    --hostname "${STACK_NAME}-$$@%h" >"$RUN/worker.log" 2>&1 &
  PIDS+=($!)
  "$ROOT/.venv/bin/celery" -A config beat --loglevel INFO --schedule "$RUN/beat-schedule" >"$RUN/beat.log" 2>&1 &
  PIDS+=($!)
  "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -g "daemon off;" &
  PIDS+=($!)
  stack_wait
}

stack_stop() {
  local pid alive
  [ -f "$RUN/nginx.pid" ] && "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -s quit 2>/dev/null
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  return 0
}
