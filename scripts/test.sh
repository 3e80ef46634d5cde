#!/usr/bin/env bash
# `make test`: the whole set-up from a fresh machine, then the whole test suite (extra args go to pytest).
source "$(dirname "$0")/lib.sh"
ensure_system_packages
ensure_venv
ensure_node_packages
ensure_database
export DJANGO_SETTINGS_MODULE=config.settings
log "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -50; exit 1; }
log "mypy"
.venv/bin/mypy
log "Migrations are up to date"
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
log "pytest"
exec .venv/bin/python -m pytest "$@"
