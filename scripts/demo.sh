#!/usr/bin/env bash
# `make demo`: set-up from a fresh machine, demo data, the web server and the job worker.
# Run it again and it reuses the virtualenv, the cluster and the data. `--check` starts both
# processes, fetches the home page and the health endpoint, then stops (used by CI).
source "$(dirname "$0")/lib.sh"
CHECK=0; [[ ${1:-} == --check ]] && CHECK=1
WEB_PORT=${PERMIS_WEB_PORT:-8000}

ensure_system_packages
ensure_venv  # the same environment as the tests: running one never strips the other's packages
ensure_node_packages
ensure_database
export DJANGO_SETTINGS_MODULE=config.settings
export DJANGO_DEBUG=${DJANGO_DEBUG:-0}
export PERMIS_MEDIA_ROOT=${PERMIS_MEDIA_ROOT:-$ROOT/var/media}
export PERMIS_PUBLIC_URL=${PERMIS_PUBLIC_URL:-http://127.0.0.1:$WEB_PORT}
# E-mails stay in the database and show on /boite-mail/ (no SMTP in the demo).
export DJANGO_EMAIL_BACKEND=${DJANGO_EMAIL_BACKEND:-permits.mailbox.DatabaseBackend}
mkdir -p "$PERMIS_MEDIA_ROOT"

log "Migrations"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py collectstatic --no-input -v0
log "Demo data"
.venv/bin/python manage.py load_demo
# The real cadastre of the demo commune (an upsert: a second run changes nothing), the
# illustrative zones drawn for it, and the development PKI of its signatories.
.venv/bin/python manage.py import_cadastre "$ROOT/../shared/data/cadastre/cadastre-91216-parcelles.json" --millesime 2022-01-01
.venv/bin/python manage.py draw_demo_constraints 91216
.venv/bin/python manage.py create_dev_pki

if (exec 3<>"/dev/tcp/127.0.0.1/$WEB_PORT") 2>/dev/null; then
  echo "Port $WEB_PORT is already in use (a demo already running?). Set PERMIS_WEB_PORT to use another." >&2
  exit 1
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# The local PLAT'AU-shaped service (devservices/platau: the State's side, scriptable under
# /_control/), unless a real PLAT'AU is configured. Started first: the worker reads its address.
if [[ -z ${PERMIS_PLATAU_URL:-} ]]; then
  PLATAU_PORT=${PERMIS_PLATAU_PORT:-8091}
  export PERMIS_PLATAU_URL="http://127.0.0.1:$PLATAU_PORT/mtes/platau/v10/"
  export PERMIS_PLATAU_TOKEN_URL="http://127.0.0.1:$PLATAU_PORT/api/oauth/token"
  export PERMIS_PLATAU_CLIENT_ID=permis-local PERMIS_PLATAU_CLIENT_SECRET=permis-local-secret
  .venv/bin/python devservices/platau/server.py --port "$PLATAU_PORT" >"$ROOT/var/platau.log" 2>&1 &
  pids+=($!)
fi
.venv/bin/python manage.py procrastinate worker >"$ROOT/var/worker.log" 2>&1 &
pids+=($!)
worker=$!
# The local FranceConnect-like provider (test identities of ../shared/data/franceconnect,
# password 123), unless a real FranceConnect is configured. Its demo secret is public on purpose.
if [[ -z ${FRANCECONNECT_ISSUER:-} ]]; then
  FC_PORT=${PERMIS_FC_PORT:-8090}
  export FRANCECONNECT_ISSUER="http://127.0.0.1:$FC_PORT/api/v2"
  export FRANCECONNECT_CLIENT_ID=permis-demo FRANCECONNECT_CLIENT_SECRET=demo-franceconnect-secret
  FC_CLIENTS=$(printf '[{"client_id":"%s","client_secret":"%s","redirect_uris":["http://127.0.0.1:%s/connexion/franceconnect/retour/","http://localhost:%s/connexion/franceconnect/retour/"],"post_logout_redirect_uris":["http://127.0.0.1:%s/deconnexion/terminee/","http://localhost:%s/deconnexion/terminee/"]}]' \
    "$FRANCECONNECT_CLIENT_ID" "$FRANCECONNECT_CLIENT_SECRET" "$WEB_PORT" "$WEB_PORT" "$WEB_PORT" "$WEB_PORT")
  FC_PORT=$FC_PORT FC_CLIENTS=$FC_CLIENTS FC_IDENTITIES_DIR="$ROOT/../shared/data/franceconnect" \
    node "$FC_NODE_DIR/server.js" >"$ROOT/var/franceconnect.log" 2>&1 &
  pids+=($!)
fi
.venv/bin/gunicorn config.wsgi --config config/gunicorn_conf.py --bind "127.0.0.1:$WEB_PORT" --workers 2 --access-logfile - &
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
  kill -0 "$worker" && echo "job worker: running"
  [[ -z ${PLATAU_PORT:-} ]] || curl -fsS -d grant_type=client_credentials -d "client_id=$PERMIS_PLATAU_CLIENT_ID" \
    -d "client_secret=$PERMIS_PLATAU_CLIENT_SECRET" "$PERMIS_PLATAU_TOKEN_URL" \
    | grep -q access_token && echo "PLAT'AU (local service): OK"
  curl -fsS "$FRANCECONNECT_ISSUER/.well-known/openid-configuration" | grep -q '"eidas1"' \
    && echo "FranceConnect (local provider): OK"
  exit 0
fi
log "Demo running on http://127.0.0.1:$WEB_PORT/ (worker log: var/worker.log). Ctrl-C stops it."
echo "FranceConnect: $FRANCECONNECT_ISSUER (local provider: any test identity, password 123)"
echo "PLAT'AU: $PERMIS_PLATAU_URL (a commune exchanges there once it has a PLAT'AU account, docs/platau.md)"
wait -n
