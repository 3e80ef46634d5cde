#!/usr/bin/env bash
# `scripts/backup.sh DEST`: a consistent-enough backup of one deployment into the new folder DEST
# (docs/deploy.md, "Sauvegarde et restauration"):
#   database.dump   pg_dump, custom format (PostgreSQL 15 client, as the server)
#   media.tar       the pieces (PERMIS_MEDIA_ROOT)
#   documents.tar   the signed PDFs (PERMIS_DOCUMENTS_ROOT)
#   SHA256SUMS      what restore.sh checks before touching anything
# The database is dumped first, then the files: a piece or a signed PDF is written before the
# row that names it is committed, and never rewritten, so every row in the dump finds its file
# (the copy may hold a few newer files no row names yet; they are harmless).
# Reads DATABASE_URL (postgis://user:password@host:port/name), PERMIS_MEDIA_ROOT,
# PERMIS_DOCUMENTS_ROOT and PERMIS_PG_BIN, with the same defaults as the application.
DEST=$(realpath -m "${1:?usage: scripts/backup.sh DEST}")  # before lib.sh changes directory
source "$(dirname "$0")/lib.sh"

DATABASE_URL=${DATABASE_URL:-postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME}
MEDIA_ROOT=${PERMIS_MEDIA_ROOT:-$ROOT/var/media}
DOCUMENTS_ROOT=${PERMIS_DOCUMENTS_ROOT:-$ROOT/var/documents}

if [[ -e $DEST ]] && [[ -n $(ls -A "$DEST") ]]; then
  echo "backup: $DEST exists and is not empty" >&2; exit 1
fi
mkdir -p "$DEST"
log "Dumping the database"
"$PG_BIN/pg_dump" --format=custom --compress=6 --file="$DEST/database.dump" \
  "postgresql://${DATABASE_URL#*://}"
for part in media:"$MEDIA_ROOT" documents:"$DOCUMENTS_ROOT"; do
  name=${part%%:*} dir=${part#*:}
  log "Copying the $name files ($dir)"
  mkdir -p "$dir"
  tar --create --file="$DEST/$name.tar" --directory="$dir" .
done
(cd "$DEST" && sha256sum database.dump media.tar documents.tar > SHA256SUMS)
log "Backup written to $DEST"
