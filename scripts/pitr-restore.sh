#!/usr/bin/env bash
# `scripts/pitr-restore.sh BASE ARCHIVE TARGET DATA`: prepares in the new folder DATA a cluster
# that, when started, replays the base backup BASE (scripts/pitr-base-backup.sh) and the WAL
# archived in ARCHIVE (scripts/pitr-enable.sh) up to the time TARGET (e.g. "2026-03-01
# 14:05:00+01"), included, then becomes a primary on a new timeline. Start it with pg_ctl (or
# the service) on the usual port once the damaged cluster is stopped, then run
# `manage.py verify_events` (docs/deploy.md, "Restauration à un instant donné").
BASE=$(realpath -m "${1:?usage: scripts/pitr-restore.sh BASE ARCHIVE TARGET DATA}")
ARCHIVE=$(realpath -m "${2:?}")
TARGET=${3:?}
DATA=$(realpath -m "${4:?}")
source "$(dirname "$0")/lib.sh"

log "Checking the base backup"
(cd "$BASE" && sha256sum --check --quiet SHA256SUMS)
if [[ -e $DATA ]] && [[ -n $(ls -A "$DATA") ]]; then
  echo "pitr-restore: $DATA exists and is not empty" >&2; exit 1
fi
mkdir -p "$DATA/pg_wal"
tar --extract --gzip --file="$BASE/base.tar.gz" --directory="$DATA"
tar --extract --gzip --file="$BASE/pg_wal.tar.gz" --directory="$DATA/pg_wal"
cp "$BASE/backup_manifest" "$DATA/backup_manifest.restored"
# The recovery settings (postgresql.auto.conf is read last: these win over the backup's own).
cat >> "$DATA/postgresql.auto.conf" <<CONF
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_time = '$TARGET'
recovery_target_inclusive = on
recovery_target_action = 'promote'
CONF
touch "$DATA/recovery.signal"
if [[ $EUID -eq 0 ]]; then chown -R postgres:postgres "$DATA"; fi
chmod 700 "$DATA"
grant_postgres_traversal "$(dirname "$DATA")"
grant_postgres_traversal "$ARCHIVE"
log "Ready: start PostgreSQL on $DATA; it stops replaying at $TARGET and promotes itself"
