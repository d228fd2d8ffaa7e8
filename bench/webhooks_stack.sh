#!/usr/bin/env bash
# Status callbacks through the whole production stack on loopback, started by the same code
# as the smoke test (deploy/smoke/stack.sh): nginx with TLS -> gunicorn (deploy/gunicorn.conf.py,
# production settings) -> PostgreSQL, with the Celery worker applying the callbacks as they
# arrive. The client (bench/webhooks_stack_client.py) sends signed callbacks over kept-alive
# HTTPS connections, as Meta does, and reads each process's CPU from /proc.
#
#   WH_DB=lindung_wh N=40000 CLIENTS=12 bash bench/webhooks_stack.sh
#   TREE=/path/to/other/checkout ...   the stack from another tree (old against new)
#   GUNICORN_ARGS="--max-requests 0"   extra gunicorn arguments
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
cd "${TREE:-$HERE}"
# shellcheck source=deploy/smoke/stack.sh
. deploy/smoke/stack.sh
stack_init webhooks 18700
trap 'stack_stop; rm -rf "$RUN"' EXIT
stack_env "${WH_DB:-lindung_wh}" "${WH_REDIS_URL:-redis://127.0.0.1:6379/12}"
export WHATSAPP_APP_SECRET=bench-app-secret
"$PY" manage.py collectstatic --noinput >/dev/null 2>&1
# shellcheck disable=SC2086  # extra arguments, split on purpose
stack_start ${GUNICORN_ARGS:-}
(cd "$HERE" && "$PY" -m bench.webhooks_stack_client "$HTTPS_PORT" "$RUN/tls.crt" "${N:-40000}" "${CLIENTS:-12}" \
  "nginx=$(cat "$RUN/nginx.pid")" "gunicorn=$GUNICORN_PID" "celery=${PIDS[1]},${PIDS[2]}")
