"""Reads that tolerate a few seconds of lag go to a streaming read replica (docs/scaling.md).

With PERMIS_REPLICA_DATABASE_URL set, settings declare the `replica` alias. The middleware marks
the GET/HEAD requests of the views named in REPLICA_VIEWS; during them, the router sends reads
of dossier and cadastre data to the replica. Everything else reads the primary:

- every write (an object read from the replica is saved on the primary);
- any read inside a transaction: it may follow a write of its own or lock rows;
- people, roles, sessions, service accounts and the job queue, wherever they are read on their
  own: signing in and authorisation never see a revoked membership or token;
- every other page: the worklist after an assignment, the dossier page after an act
  (read-your-writes);
- a replica that does not answer, or lags more than PERMIS_REPLICA_MAX_LAG seconds: checked by
  one statement when a request starts its lag-tolerant reads (`replica_fresh`), so that a
  standby stopped or stuck never serves stale pages or errors (tests/storage/
  test_streaming_replica.py, against a real hot standby).
"""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

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
    """Whether a read replica is declared: without one every read goes to the primary."""
    return REPLICA in connections.settings


def _reading_from_replica() -> bool:
    return (
        _replica_reads.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


# Seconds the replica is behind: 0 when it has replayed all it received (or is not in recovery:
# the tests' mirror), else the age of the last transaction it replayed. A standby whose replay
# is paused or slow thus looks older and older, and one idle primary does not look like lag.
# An upper bound: WAL received after an idle spell looks as old as the spell until it is
# replayed (a short while), and a request then reads the primary, which is always safe.
REPLICA_LAG_SQL = """
SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1e9)
       END
"""


def replica_fresh() -> bool:
    """The replica answers and lags at most PERMIS_REPLICA_MAX_LAG seconds."""
    if not replica_configured():
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_unusable_or_obsolete()
        with replica.cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("replica unavailable: reading the primary", extra={"error": str(error)})
        replica.close()
        return False
    if lag > settings.PERMIS_REPLICA_MAX_LAG_SECONDS:
        logger.warning("replica lagging: reading the primary", extra={"lag_s": round(lag, 1)})
        return False
    return True


@contextlib.contextmanager
def replica_reads():
    """Lag-tolerant reads for a block of code (the middleware does it for REPLICA_VIEWS), from
    the replica if it is fresh enough (`replica_fresh`)."""
    token = _replica_reads.set(replica_fresh())
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
        """The replica for the marked requests' reads of replicated apps while it is fresh; the
        primary otherwise."""
        if model._meta.app_label in REPLICATED_APPS and _reading_from_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        """Every write goes to the primary."""
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """Objects read from the replica and the primary may be related: they are the same rows."""
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Never migrate the replica: it follows the primary's schema by replication."""
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
        """Marks a GET or HEAD of a view listed in REPLICA_VIEWS, once its URL is resolved."""
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match and match.view_name in REPLICA_VIEWS:
            _replica_reads.set(replica_fresh())
        return None
