"""The record of importer executions (ImportExecution): each import command and each applied
run of the reference data page runs inside `recorded_import`,
and /metrics reads `runs_by_kind` (config/metrics.py). A run is written before the import's own
transaction and closed after it, so a refused delivery still counts as a failed run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.db.models import Count, Max
from django.db.models.functions import Now

from cadastre.models import ImportExecution


@contextlib.contextmanager
def recorded_import(kind: str) -> Iterator[ImportExecution]:
    """Records the run outside the import's transaction, so that /metrics sees a refused or
    crashed import as failed instead of not at all."""
    run = ImportExecution.objects.create(kind=kind, outcome="running")
    try:
        yield run
    except BaseException:
        ImportExecution.objects.filter(pk=run.pk).update(outcome="failed", finished_at=Now())
        raise
    ImportExecution.objects.filter(pk=run.pk).update(outcome="succeeded", finished_at=Now())


def runs_by_kind() -> list[tuple[str, str, int, datetime | None]]:
    """(kind, outcome, runs, end of the kind's last successful run)."""
    last = dict(
        ImportExecution.objects.filter(outcome="succeeded")
        .values("kind")
        .annotate(last=Max("finished_at"))
        .values_list("kind", "last")
    )
    rows = (
        ImportExecution.objects.values("kind", "outcome")
        .annotate(runs=Count("pk"))
        .values_list("kind", "outcome", "runs")
        .order_by("kind", "outcome")
    )
    return [(kind, outcome, runs, last.get(kind)) for kind, outcome, runs in rows]
