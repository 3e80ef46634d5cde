"""Exact counts of dossiers by commune and state without scanning the dossiers: the sums of
the rows the database's trigger appends (permits.models.counts), read from one index, instead
of a count(*) over every matching dossier (docs/benchmarks.md).

Operations (docs/deploy.md): after a bulk import, `compact()` then `VACUUM FULL
permits_statecount`; after a load that bypassed the trigger, `recount()`; `drift()` checks.
"""

from django.db import connections, router, transaction

from permits.models import Dossier, StateCount

_TABLE = StateCount._meta.db_table
_DOSSIERS = Dossier._meta.db_table


def counts_by_state(commune_ids) -> dict[str, int]:
    """{state: dossiers of these communes in it, now} (read where the dossiers are read: a
    replica's counts match its rows)."""
    with connections[router.db_for_read(StateCount)].cursor() as cursor:
        cursor.execute(
            f"SELECT state, sum(delta) FROM {_TABLE}"  # noqa: S608 (the model's table)
            " WHERE commune_id = ANY(%s) GROUP BY state HAVING sum(delta) <> 0",
            [list(commune_ids)],
        )
        return dict(cursor.fetchall())


def dossier_count(commune_ids, states) -> int:
    """How many dossiers of these communes are in one of these states, now."""
    by_state = counts_by_state(commune_ids)
    return sum(by_state.get(state, 0) for state in set(states))


def compact() -> int:
    """Fold the rows of each (commune, state) that has more than one into one, dropping the
    zeros; returns the rows it wrote. A group already of one row is left alone, so
    an hour's work follows the hour's changes, not the number of communes.

    One statement: a reader sees the rows before or after, never half of them, and rows
    appended meanwhile (not in its snapshot) are neither deleted nor folded."""
    using = router.db_for_write(StateCount)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"WITH folded AS (SELECT commune_id, state FROM {_TABLE}"  # noqa: S608
            "   GROUP BY commune_id, state HAVING count(*) > 1),"
            f" gone AS (DELETE FROM {_TABLE} t USING folded"
            "   WHERE t.commune_id = folded.commune_id AND t.state = folded.state"
            "   RETURNING t.commune_id, t.state, t.delta)"
            f" INSERT INTO {_TABLE} (commune_id, state, delta)"
            " SELECT commune_id, state, sum(delta) FROM gone"
            " GROUP BY commune_id, state HAVING sum(delta) <> 0"
        )
        return cursor.rowcount


def recount() -> int:
    """Rebuild the counts from the dossiers, for a load that bypassed the trigger; returns the
    rows written. The dossiers are locked against writes (SHARE) until it commits, so no
    transition falls between the count and the new rows."""
    using = router.db_for_write(StateCount)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_DOSSIERS} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {_TABLE}")  # noqa: S608 (the model's table)
        cursor.execute(
            f"INSERT INTO {_TABLE} (commune_id, state, delta)"  # noqa: S608
            f" SELECT commune_id, state, count(*) FROM {_DOSSIERS} GROUP BY commune_id, state"
        )
        return cursor.rowcount


def drift() -> list[tuple[int, str, int, int]]:
    """(commune id, state, counted, actual) wherever the sums differ from count(*); empty
    when the counts are exact. Read-only; scans the dossiers once."""
    with connections[router.db_for_read(StateCount)].cursor() as cursor:
        cursor.execute(
            "SELECT commune_id, state, coalesce(c.n, 0), coalesce(d.n, 0) FROM"  # noqa: S608
            f" (SELECT commune_id, state, sum(delta) n FROM {_TABLE} GROUP BY 1, 2) c"
            f" FULL JOIN (SELECT commune_id, state, count(*) n FROM {_DOSSIERS} GROUP BY 1, 2) d"
            " USING (commune_id, state) WHERE coalesce(c.n, 0) <> coalesce(d.n, 0)"
            " ORDER BY 1, 2"
        )
        return cursor.fetchall()
