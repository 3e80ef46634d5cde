#!/usr/bin/env bash
# `scripts/pitr-enable.sh ARCHIVE`: turns on continuous WAL archiving of the cluster of
# scripts/lib.sh (PERMIS_PG_DATA, PERMIS_PG_PORT) into the folder ARCHIVE (on another disk or a
# mounted remote volume in production), then restarts it. With a base backup
# (scripts/pitr-base-backup.sh), any moment since can be restored (scripts/pitr-restore.sh;
# docs/deploy.md, "Restauration à un instant donné"). ARCHIVE_TIMEOUT (s, default 60) bounds
# the data a lost server takes with it: a segment is archived at least that often.
ARCHIVE=$(realpath -m "${1:?usage: scripts/pitr-enable.sh ARCHIVE}")  # before lib.sh's cd
source "$(dirname "$0")/lib.sh"
TIMEOUT=${ARCHIVE_TIMEOUT:-60}

mkdir -p "$ARCHIVE"
[[ $EUID -eq 0 ]] && chown postgres:postgres "$ARCHIVE"
chmod 700 "$ARCHIVE"
grant_postgres_traversal "$(dirname "$ARCHIVE")"
grant_postgres_traversal "$ROOT/scripts"
log "WAL archiving of $PG_DATA into $ARCHIVE (at least every $TIMEOUT s)"
psql_admin -U postgres <<SQL
ALTER SYSTEM SET wal_level = 'replica';
ALTER SYSTEM SET archive_mode = 'on';
ALTER SYSTEM SET archive_command = '$ROOT/scripts/wal-archive.sh %p %f $ARCHIVE';
ALTER SYSTEM SET archive_timeout = '$TIMEOUT';
SQL
as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -o "-p $PG_PORT" -m fast -w restart >/dev/null
log "Archiving on: $(psql_admin -U postgres -tA -c 'SHOW archive_mode')"
