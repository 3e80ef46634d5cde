# Shared set-up steps for `make demo` and `make test` (sourced, not run).
# Everything a fresh Debian machine needs is installed here; nothing relies on a step done by hand.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Configuration (environment, with local defaults).
PG_PORT=${PERMIS_PG_PORT:-5439}
PG_DATA=${PERMIS_PG_DATA:-$ROOT/.pgdata}
PG_BIN=${PERMIS_PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=${PERMIS_DB_NAME:-permis}
DB_USER=permis
DB_PASSWORD=permis  # local development cluster only, listening on 127.0.0.1
UV_VERSION=0.13.9
APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-contrib gdal-bin libgdal32
              libgeos-c1v5 libproj25 acl make curl
              libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
              poppler-utils softhsm2 chromium)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_root_or_print() {
  if [[ $EUID -ne 0 ]]; then
    echo "Missing system packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
}

ensure_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    need_root_or_print
    log "Installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The Debian package creates and starts a default cluster on 5432; we use our own.
    pg_ctlcluster 15 main stop 2>/dev/null || true
  fi
  command -v python3.11 >/dev/null || command -v python3 >/dev/null || {
    echo "Python 3.11 is required (apt-get install -y python3 python3-venv)" >&2; exit 1; }
}

python_bin() {
  if command -v python3.11 >/dev/null; then command -v python3.11; else command -v python3; fi
}

# A pinned uv in .tools/, then .venv/ synced exactly to uv.lock (the same lock as the Dockerfile).
ensure_venv() {
  local py; py=$(python_bin)
  if [[ ! -x .tools/bin/uv ]] || [[ $(.tools/bin/uv --version | cut -d' ' -f2) != "$UV_VERSION" ]]; then
    log "Installing uv $UV_VERSION in .tools/"
    "$py" -m venv .tools
    .tools/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION"
  fi
  log "Syncing .venv/ with uv.lock"
  UV_PROJECT_ENVIRONMENT="$ROOT/.venv" .tools/bin/uv sync --frozen --python "$py" -q "$@"
}

# Runs a PostgreSQL binary as the cluster's owner: `postgres` when we are root (initdb refuses root).
as_pg_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Root's checkout may sit below folders that `postgres` cannot enter (mktemp makes 0700 ones):
# grant it traversal only (an ACL entry, x bit), never read, on each such ancestor.
grant_postgres_traversal() {
  [[ $EUID -eq 0 ]] || return 0
  local dir=$1
  while [[ $dir != / ]]; do
    runuser -u postgres -- test -x "$dir" 2>/dev/null || setfacl -m u:postgres:x "$dir"
    dir=$(dirname "$dir")
  done
}

pg_is_running() {
  as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

psql_admin() {
  PGOPTIONS=--client-min-messages=warning \
  as_pg_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DATA" -p "$PG_PORT" -d postgres "$@"
}

# A private cluster in an ignored folder, on its own port, listening on 127.0.0.1 only.
ensure_database() {
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    log "Creating the PostgreSQL cluster in $PG_DATA (port $PG_PORT)"
    mkdir -p "$PG_DATA"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    grant_postgres_traversal "$(dirname "$PG_DATA")"
    as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DATA'
fsync = off            # a disposable development cluster: speed over durability
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  fi
  grant_postgres_traversal "$(dirname "$PG_DATA")"
  # The port can change between runs: always pass it.
  if ! pg_is_running; then
    log "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -o "-p $PG_PORT" -w start >/dev/null
  fi
  # The socket lives in the 0700 data folder: only the cluster's owner (and root) reach it, so
  # local connections are trusted; TCP on 127.0.0.1 needs the password.
  psql_admin -U postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
\c template1
CREATE EXTENSION IF NOT EXISTS postgis;
\c $DB_NAME
CREATE EXTENSION IF NOT EXISTS postgis;
SQL
  export DATABASE_URL="postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
  # A superuser URL for what only tests may do (tampering with the append-only event log).
  export PERMIS_SUPERUSER_CONNINFO="host=$PG_DATA port=$PG_PORT user=postgres"
}

stop_database() {
  pg_is_running && as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null || true
}

# The local FranceConnect-like OpenID provider and the INSEE referential (communes,
# départements): npm packages installed exactly from devservices/franceconnect/package-lock.json.
FC_NODE_DIR="$ROOT/devservices/franceconnect"
ensure_node_packages() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    need_root_or_print
    log "Installing Node.js"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  if ((major < 20)); then
    echo "Node.js 20 or later is required by oidc-provider (found $(node --version))" >&2; exit 1
  fi
  # npm ci writes node_modules/.package-lock.json: reinstall when the lock file is newer.
  if [[ ! -f $FC_NODE_DIR/node_modules/.package-lock.json ]] \
     || [[ $FC_NODE_DIR/package-lock.json -nt $FC_NODE_DIR/node_modules/.package-lock.json ]]; then
    log "Installing the Node packages of devservices/franceconnect"
    (cd "$FC_NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
