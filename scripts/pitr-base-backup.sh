#!/usr/bin/env bash
# `scripts/pitr-base-backup.sh DEST`: a base backup of the cluster of scripts/lib.sh, the start
# of every point-in-time restore until the next one (docs/deploy.md). Writes into the new
# folder DEST: base.tar.gz, pg_wal.tar.gz (the WAL the backup itself needs), backup_manifest
# and SHA256SUMS. Take one nightly; keep the archived WAL since
# the oldest base backup kept.
DEST=$(realpath -m "${1:?usage: scripts/pitr-base-backup.sh DEST}")
source "$(dirname "$0")/lib.sh"

if [[ -e $DEST ]] && [[ -n $(ls -A "$DEST") ]]; then
  echo "pitr-base-backup: $DEST exists and is not empty" >&2; exit 1
fi
mkdir -p "$DEST"
[[ $EUID -eq 0 ]] && chown postgres:postgres "$DEST"
grant_postgres_traversal "$(dirname "$DEST")"
log "Base backup of $PG_DATA into $DEST"
as_pg_owner "$PG_BIN/pg_basebackup" -h "$PG_DATA" -p "$PG_PORT" -U postgres -D "$DEST" \
  --format=tar --gzip --wal-method=stream --checkpoint=fast --label="permis $(date -u +%FT%TZ)"
(cd "$DEST" && sha256sum base.tar.gz pg_wal.tar.gz backup_manifest > SHA256SUMS)
log "Base backup written to $DEST"
