#!/usr/bin/env bash
# PostgreSQL's archive_command (set by scripts/pitr-enable.sh): `wal-archive.sh %p %f ARCHIVE`.
# Copies one WAL segment (or history file) into ARCHIVE under its name, durably and atomically
# (a temporary name, flushed, then renamed). A segment already archived with the same bytes is
# success (PostgreSQL may retry after a crash); different bytes are refused: never overwrite.
set -euo pipefail
src=$1 name=$2 archive=$3
target=$archive/$name
if [[ -f $target ]]; then
  cmp -s "$src" "$target" && exit 0
  echo "wal-archive: $target exists with different content" >&2
  exit 1
fi
cp "$src" "$target.partial"
sync "$target.partial"
mv "$target.partial" "$target"
