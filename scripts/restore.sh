#!/usr/bin/env bash
# `scripts/restore.sh SRC`: restores a backup made by scripts/backup.sh (docs/deploy.md) into
# the EMPTY database named by DATABASE_URL (created beforehand with PostGIS, which needs the
# superuser) and the empty or absent PERMIS_MEDIA_ROOT and PERMIS_DOCUMENTS_ROOT folders, then
# checks the event log's hash chain (manage.py verify_events). Refuses a backup whose checksums
# differ and a target that already holds data: it never overwrites a live deployment.
SRC=$(realpath -m "${1:?usage: scripts/restore.sh SRC}")  # before lib.sh changes directory
source "$(dirname "$0")/lib.sh"

DATABASE_URL=${DATABASE_URL:-postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME}
MEDIA_ROOT=${PERMIS_MEDIA_ROOT:-$ROOT/var/media}
DOCUMENTS_ROOT=${PERMIS_DOCUMENTS_ROOT:-$ROOT/var/documents}
PG_URL="postgresql://${DATABASE_URL#*://}"

log "Checking the backup's checksums"
(cd "$SRC" && sha256sum --check --quiet SHA256SUMS)
tables=$("$PG_BIN/psql" -X -tA -d "$PG_URL" -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
if [[ $tables != 0 ]]; then
  echo "restore: the target database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
for dir in "$MEDIA_ROOT" "$DOCUMENTS_ROOT"; do
  if [[ -e $dir ]] && [[ -n $(ls -A "$dir") ]]; then
    echo "restore: $dir is not empty" >&2; exit 1
  fi
done

log "Restoring the database"
# One transaction: a failure leaves the target empty. Owners, grants and the extension's
# comment belong to the source cluster's roles: the restoring role owns everything instead.
# PostGIS's spatial_ref_sys comes with the extension (the application adds no SRID), and only
# the superuser may write it: its dumped data (user-added SRIDs, none here) is left out.
list=$(mktemp)
trap 'rm -f "$list"' EXIT
"$PG_BIN/pg_restore" --list "$SRC/database.dump" | grep -v 'TABLE DATA public spatial_ref_sys' > "$list"
"$PG_BIN/pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
  --no-comments --use-list="$list" --dbname="$PG_URL" "$SRC/database.dump"
for name in media documents; do
  dir=$MEDIA_ROOT; [[ $name == documents ]] && dir=$DOCUMENTS_ROOT
  log "Restoring the $name files into $dir"
  mkdir -p "$dir"
  tar --extract --file="$SRC/$name.tar" --directory="$dir"
done

log "Checking the event log"
DATABASE_URL=$DATABASE_URL "$ROOT/.venv/bin/python" "$ROOT/manage.py" verify_events
log "Restored from $SRC"
