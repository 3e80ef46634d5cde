#!/usr/bin/env bash
# `make demo`: set-up from a fresh machine, demo data, the web server and the job worker.
# Run it again and it reuses the virtualenv, the cluster and the data. `--check` starts both
# processes, fetches the home page and the health endpoint, then stops (used by CI).
source "$(dirname "$0")/lib.sh"
CHECK=0; [[ ${1:-} == --check ]] && CHECK=1
WEB_PORT=${PERMIS_WEB_PORT:-8000}

ensure_system_packages
ensure_venv --no-dev
ensure_database
export DJANGO_SETTINGS_MODULE=config.settings
export DJANGO_DEBUG=${DJANGO_DEBUG:-0}
export PERMIS_MEDIA_ROOT=${PERMIS_MEDIA_ROOT:-$ROOT/var/media}
mkdir -p "$PERMIS_MEDIA_ROOT"

log "Migrations"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py collectstatic --no-input -v0
log "Demo data"
.venv/bin/python manage.py load_demo

if (exec 3<>"/dev/tcp/127.0.0.1/$WEB_PORT") 2>/dev/null; then
  echo "Port $WEB_PORT is already in use (a demo already running?). Set PERMIS_WEB_PORT to use another." >&2
  exit 1
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/python manage.py procrastinate worker >"$ROOT/var/worker.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$WEB_PORT" --workers 2 --access-logfile - &
pids+=($!)

for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/sante/" 2>/dev/null && break
  sleep 0.2
done

if ((CHECK)); then
  log "Checking the demo"
  curl -fsS "http://127.0.0.1:$WEB_PORT/sante/"; echo
  curl -fsS "http://127.0.0.1:$WEB_PORT/" | grep -q "Autorisations d'urbanisme" \
    && echo "home page: OK"
  kill -0 "${pids[0]}" && echo "job worker: running"
  exit 0
fi
log "Demo running on http://127.0.0.1:$WEB_PORT/ (worker log: var/worker.log). Ctrl-C stops it."
wait -n
