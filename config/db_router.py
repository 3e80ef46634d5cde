"""Reads that tolerate a few seconds of lag go to a streaming read replica (docs/scaling.md).

With PERMIS_REPLICA_DATABASE_URL set, settings declare the `replica` alias. The middleware marks
the GET/HEAD requests of the views named in REPLICA_VIEWS; during them, the router sends reads
of dossier and cadastre data to the replica. Everything else reads the primary:

- every write (an object read from the replica is saved on the primary);
- any read inside a transaction: it may follow a write of its own or lock rows;
- people, roles, sessions, service accounts and the job queue, wherever they are read on their
  own: signing in and authorisation never see a revoked membership or token;
- every other page: the worklist after an assignment, the dossier page after an act
  (read-your-writes).
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# URL names whose safe requests may read from the replica: public or statistical reads and the
# API's lists, which a connector re-reads anyway.
REPLICA_VIEWS = frozenset(
    {
        "permits:registers",  # R423-6 and R424-15 registers: page, JSON, CSV
        "permits:statistics",
        "api:dossiers",
        "api:dossier_events",
        "api:dossier_pieces",
        "api:dossier_documents",
        "api:events",  # the feed holds back replica_lag_margin() more (api/views.py)
    }
)
# Apps whose rows may come from the replica: dossier data and the cadastre.
REPLICATED_APPS = frozenset({"permits", "workflow", "cadastre"})

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _reading_from_replica() -> bool:
    return (
        _replica_reads.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


@contextlib.contextmanager
def replica_reads():
    """Lag-tolerant reads for a block of code (the middleware does it for REPLICA_VIEWS)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_lag_margin() -> int:
    """Seconds to add to a "settled" cutoff when the rows come from the replica: an event can
    be committed on the primary and not yet replayed (the event feed's cursor must not skip)."""
    return settings.PERMIS_REPLICA_MAX_LAG_SECONDS if _reading_from_replica() else 0


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS and _reading_from_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Marks the safe requests of REPLICA_VIEWS for the router, for the request's duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match and match.view_name in REPLICA_VIEWS:
            _replica_reads.set(True)
        return None
