#!/usr/bin/env bash
# `scripts/image-check.sh` (CI, after the tests): builds the production image from the
# Dockerfile with podman, then serves it as compose.yaml does (migrate, web, worker: the same
# commands and variables) against the private cluster, and checks it as a user would: the home
# page, /sante/ with the worker's heartbeat, a sign-in and a filing over HTTP, the receipt signed
# by the image's worker (scripts/image_check.py). Logs in var/image-check/.
#
# No container engine runs here and no registry is reachable: the base `debian:bookworm-slim`
# is made from Debian's packages by mmdebstrap under the public image's name (the Dockerfile is
# the one production builds), and the image's commands are started from its mounted filesystem
# with chroot, as its user, on the host's loopback (`podman run` fails here: crun cannot use the
# machine's hybrid cgroups).
source "$(dirname "$0")/lib.sh"
WEB_PORT=${PERMIS_IMAGE_WEB_PORT:-8011}
IMAGE=localhost/permis:check
BASE=docker.io/library/debian:bookworm-slim
DB=${PERMIS_DB_NAME:-permis}_image
LOGS=$ROOT/var/image-check

ensure_system_packages
ensure_venv
ensure_node_packages  # the INSEE referential the image copies (Dockerfile)
ensure_database
for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null || {
    need_root_or_print
    log "Installing podman and mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      podman mmdebstrap uidmap >/dev/null
    break
  }
done

WORK=$(mktemp -d)
rm -rf "$LOGS"; mkdir -p "$LOGS"
# Build steps run with these limits (the default asks for an RLIMIT_NPROC the host refuses).
export CONTAINERS_CONF=$WORK/containers.conf
cat > "$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
CONF

if ! podman image exists "$BASE"; then
  log "Making $BASE from Debian's packages (mmdebstrap)"
  # This machine's own package sources (Debian 12, its mirror), copied into the base.
  shopt -s nullglob
  sources=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  if [[ -s /etc/apt/sources.list ]]; then sources+=(/etc/apt/sources.list); fi
  mmdebstrap --variant=minbase --quiet bookworm "$WORK/rootfs.tar" "${sources[@]}"
  podman import --quiet "$WORK/rootfs.tar" "$BASE" >/dev/null
  rm -f "$WORK/rootfs.tar"
fi

log "Building the image (podman build)"
# pip and uv inside the build trust this machine's CA bundle (a TLS-inspecting proxy's CA).
# Docker's format keeps the HEALTHCHECK (OCI's has none), which is run below.
podman build --isolation=chroot --pull=never --quiet --format docker --tag "$IMAGE" \
  --build-arg BUILD_CA_BUNDLE=/run/build-ca.crt \
  --volume /etc/ssl/certs/ca-certificates.crt:/run/build-ca.crt:ro \
  . > "$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; exit 1; }

container=$(podman create "$IMAGE")
MNT=$(podman mount "$container")
pids=()
cleanup() {
  # Each process group (bash, chroot, the image's process and its children) ends before its
  # filesystem is unmounted: gunicorn's graceful stop outlives the bash that started it.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  podman umount "$container" >/dev/null 2>&1 || true
  podman rm "$container" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "A fresh database for the image ($DB)"
psql_admin -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB OWNER $DB_USER"
DATABASE_URL="postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB"

WORKDIR=$(podman image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")
IMAGE_USER=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
IFS=: read -r _ _ uid gid _ home _ < <(chroot "$MNT" getent passwd "$IMAGE_USER")
# The image's environment (its ENV lines), then compose.yaml's variables (.env in production).
mapfile -t IMAGE_ENV < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
PKI_PASSPHRASE=image-check-$RANDOM$RANDOM
METRICS_TOKEN=image-check-$RANDOM$RANDOM
APP_ENV=(
  "${IMAGE_ENV[@]}"
  HOME="$home"
  DATABASE_URL="$DATABASE_URL"
  DJANGO_SECRET_KEY="image-check-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
  DJANGO_ALLOWED_HOSTS=127.0.0.1
  PERMIS_PUBLIC_URL="https://127.0.0.1:$WEB_PORT"
  PERMIS_PKI_PASSPHRASE="$PKI_PASSPHRASE"
  PERMIS_SSL_REDIRECT=0
  PERMIS_BIND="127.0.0.1:$WEB_PORT"
  PERMIS_WEB_WORKERS=2
  PERMIS_METRICS_TOKEN="$METRICS_TOKEN"
)

# One of the image's commands, from its filesystem, as its user, in its working directory.
in_image() {
  chroot --userspec="$uid:$gid" "$MNT" /usr/bin/env -i "${APP_ENV[@]}" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "$@"
}

log "Migrations, from the image"
in_image python manage.py migrate --no-input -v0

log "The operator's data: demo commune and accounts, development PKI, an applicant's draft"
DATABASE_URL=$DATABASE_URL PERMIS_MEDIA_ROOT="$MNT/var/lib/permis/media" \
  PERMIS_PKI_DIR="$MNT/var/lib/permis/pki" PERMIS_PKI_PASSPHRASE="$PKI_PASSPHRASE" \
  DJANGO_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
  .venv/bin/python scripts/image_check.py prepare "$WORK/draft"
draft=$(cat "$WORK/draft")
chown -R "$uid:$gid" "$MNT/var/lib/permis"

log "Starting the image's web server and worker on 127.0.0.1:$WEB_PORT"
read -ra WEB_CMD < <(podman image inspect --format '{{range .Config.Cmd}}{{.}} {{end}}' "$IMAGE")
setsid bash -c "$(declare -f in_image); $(declare -p APP_ENV MNT WORKDIR uid gid); in_image ${WEB_CMD[*]}" \
  > "$LOGS/web.log" 2>&1 &
pids+=($!)
setsid bash -c "$(declare -f in_image); $(declare -p APP_ENV MNT WORKDIR uid gid); in_image python manage.py procrastinate worker" \
  > "$LOGS/worker.log" 2>&1 &
pids+=($!)
# Generous: both processes import the whole application, on a machine that may be busy.
up=0
for _ in $(seq 240); do
  curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$WEB_PORT/sante/" 2>/dev/null \
    && { up=1; break; }
  sleep 0.5
done
((up)) || { echo "the image's web server did not answer"; tail -30 "$LOGS/web.log"; exit 1; }

log "Checking the served image"
DATABASE_URL=$DATABASE_URL PERMIS_PKI_DIR="$MNT/var/lib/permis/pki" IMAGE_CHECK_LOGS=$LOGS \
  PERMIS_METRICS_TOKEN="$METRICS_TOKEN" \
  PERMIS_PKI_PASSPHRASE="$PKI_PASSPHRASE" PERMIS_MEDIA_ROOT="$MNT/var/lib/permis/media" \
  .venv/bin/python scripts/image_check.py check "http://127.0.0.1:$WEB_PORT" "$draft" \
  || { echo "--- web"; tail -30 "$LOGS/web.log"; echo "--- worker"; tail -30 "$LOGS/worker.log"
       cp -r "$MNT/var/lib/permis/pki" "$LOGS/pki"; exit 1; }
# The image's HEALTHCHECK, run as the engine would, with its retries (3).
read -ra HEALTHCHECK < <(podman image inspect --format '{{range .Config.Healthcheck.Test}}{{.}} {{end}}' "$IMAGE")
if [[ ${HEALTHCHECK[0]:-} != CMD ]]; then echo "the image has no HEALTHCHECK CMD" >&2; exit 1; fi
healthy=0
for _ in 1 2 3; do in_image "${HEALTHCHECK[@]:1}" && { healthy=1; break; }; sleep 2; done
((healthy)) || { echo "HEALTHCHECK failed"; tail -30 "$LOGS/web.log"; exit 1; }
echo "HEALTHCHECK (${HEALTHCHECK[*]:1}): OK"
log "Image check passed"
