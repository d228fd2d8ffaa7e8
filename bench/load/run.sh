#!/usr/bin/env bash
# The load test: the production stack on loopback, started by the same code as
# deploy/smoke/run_stack.sh (deploy/smoke/stack.sh: nginx with deploy/nginx/lindung.conf
# and a throwaway certificate, gunicorn with deploy/gunicorn.conf.py and the production
# settings, Celery worker and beat on Redis) but against an existing, already migrated
# database, then locust in steps.
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
#
# LOAD_MODE=cpu replays each task instead of the steps and reads where the CPU went
# (bench/load/cpu_per_request.py; LOAD_LABEL names the measurement, LOAD_RUNS the runs a
# task; LOAD_COORDINATORS=2 makes the fixture faster, as one coordinator replays). LOAD_TREE runs the stack from another checkout (e.g. a worktree of the commit
# before a change, with its own .venv link), the load test's own code staying this one's:
# old and new can then be measured in turns.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
cd "${LOAD_TREE:-$HERE}"
# shellcheck source=deploy/smoke/stack.sh
. deploy/smoke/stack.sh
stack_init load 18600 "$(pwd)/.venv/bin/locust"

DB="${LOAD_DB:-lindung_bench}"
STEPS="${LOAD_STEPS:-50:300}"
OUT="$HERE/${LOAD_OUT:-var/load}"
REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/13}"
PAYMENTS="${LOAD_PAYMENTS:-save}"
mkdir -p "$OUT"

stop() {
  local status=$?
  set +e
  stack_stop
  cp "$RUN"/*.log "$OUT/" 2>/dev/null
  # Whatever happened, take back the payments the run recorded.
  (cd "$HERE" && DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}" "$PY" -m bench.load.cleanup --fixture "$OUT/fixture.json")
  "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL" 2>/dev/null
  rm -rf "$RUN"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

stack_env "$DB" "$REDIS_URL"
# Named, so the CPU measurement finds this stack's PostgreSQL backends.
export DATABASE_URL="${DATABASE_URL}?application_name=lindung-load"

echo "load: files in $RUN; nginx https://localhost:${HTTPS_PORT}, gunicorn ${APP_PORT}, database ${DB}, steps ${STEPS}"
"$PY" manage.py migrate --check >/dev/null || { echo "load: ${DB} is not migrated to this tree's schema" >&2; exit 1; }
"$PY" manage.py collectstatic --noinput >"$RUN/setup.log" 2>&1
(cd "$HERE" && "$PY" -m bench.load.prepare --out "$OUT/fixture.json" --coordinators "${LOAD_COORDINATORS:-200}")

WORKER_ARGS=()
[ -n "${GUNICORN_WORKERS:-}" ] && WORKER_ARGS=(--workers "$GUNICORN_WORKERS")
stack_start "${WORKER_ARGS[@]}"

if [ "${LOAD_MODE:-steps}" = cpu ]; then
  echo "load: CPU per request ($(uptime))"
  (cd "$HERE" && LOAD_FIXTURE="$OUT/fixture.json" LOAD_CA="$RUN/tls.crt" "$PY" -m bench.load.cpu_per_request measure \
    --host "https://localhost:${HTTPS_PORT}" --dsn "postgresql://postgres@127.0.0.1:5432/${DB}" \
    --gunicorn "$GUNICORN_PID" --celery "${PIDS[1]}" --nginx "${PIDS[3]}" --runs "${LOAD_RUNS:-30}" \
    --label "${LOAD_LABEL:-this tree}" --out "$OUT/cpu-${LOAD_LABEL:-this tree}-$(date +%H%M%S).json")
  exit 0
fi

for step in $STEPS; do
  users="${step%%:*}"
  seconds="${step##*:}"
  start_line=$(wc -l <"$RUN/gunicorn.log")
  echo "load: ${users} users for ${seconds}s; $(uptime)" | tee "$OUT/step-${users}.txt"
  grep -E '^cpu ' /proc/stat >>"$OUT/step-${users}.txt"
  LOAD_FIXTURE="$OUT/fixture.json" LOAD_CA="$RUN/tls.crt" "$ROOT/.venv/bin/locust" -f "$HERE/bench/load/locustfile.py" \
    --headless --users "$users" --spawn-rate "$(( users > 10 ? users / 10 : 1 ))" --run-time "${seconds}s" \
    --host "https://localhost:${HTTPS_PORT}" --csv "$OUT/u${users}" --only-summary --payments "$PAYMENTS" \
    --stop-timeout 10 >"$OUT/locust-${users}.log" 2>&1 || true
  grep -E '^cpu ' /proc/stat >>"$OUT/step-${users}.txt"
  echo "after: $(uptime)" >>"$OUT/step-${users}.txt"
  tail -n +"$((start_line + 1))" "$RUN/gunicorn.log" | grep '"lindung.request"' >"$OUT/requests-${users}.jsonl" || true
  tail -n 3 "$OUT/locust-${users}.log"
done
echo "load: done; python -m bench.load.report --out ${OUT#"$ROOT"/} writes the BENCHMARKS.md section"
