"""Jobs of the cadastre, run by the procrastinate worker: the administrator's imports and the
periodic refresh of the configured sources (cadastre.refresh)."""

from django.conf import settings
from procrastinate.contrib.django import app

from cadastre import runs


@app.task(name=runs.RUN_IMPORT_JOB, queue="imports")
def run_import(run_id: int, apply: bool) -> str:
    """A run's simulation or application, in the worker: a large file outlasts a request."""
    return runs.execute(run_id, apply).status


@app.periodic(cron=settings.PERMIS_REFRESH_CRON)
@app.task(queue="imports", lock="cadastre-refresh", queueing_lock="cadastre-refresh")
def refresh_sources(timestamp: int) -> list[int]:
    """Off unless a source URL is configured (cadastre.refresh)."""
    # deferred: refresh imports requests, needed by this job only, not by every django.setup()
    from cadastre import refresh

    return [run.pk for run in refresh.refresh()]
