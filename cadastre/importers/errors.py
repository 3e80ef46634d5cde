"""The one exception every importer raises to refuse a delivery: the caller's transaction is
rolled back and the message (French, shown to the operator) names the file, the feature and the
field at fault."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from cadastre.importers.report import ImportReport


class ImportRefused(ValueError):
    pass


class DryRun(Exception):
    """Raised at the end of a dry run to roll the import's transaction back."""


@contextlib.contextmanager
def one_transaction(report: ImportReport, dry_run: bool) -> Iterator[None]:
    """The delivery's single transaction, rolled back at the end of a dry run (which the report
    then says); the time spent is added to the report's duration."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise DryRun
    except DryRun:
        report.dry_run = True
    finally:
        report.seconds += time.perf_counter() - started
