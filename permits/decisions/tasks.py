"""The signing job (procrastinate). Enqueued by permits.decisions.issuing.prepare in the same
transaction as the pending document; safe to run twice (issuing.sign_pending is idempotent).

Also the requeueing of jobs whose worker died (`retry_stalled_jobs`), which the signing job
needs most: a worker killed while signing must not leave the decision pending for ever."""

from django.conf import settings
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from permits.decisions.issuing import SIGN_JOB, sign_pending


# Retries cover what passes: a token or a TSA briefly unreachable, a lock timeout. A content
# or key error fails the same way each time and ends in the failed-jobs list after 5 attempts.
@app.task(
    name=SIGN_JOB,
    queue="documents",
    retry=RetryStrategy(max_attempts=5, wait=10, exponential_wait=2),
)
def sign_document_job(document_id: int) -> dict:
    """The job that signs an issued document outside the request: rendering and signing are too slow
    for a page."""
    document = sign_pending(document_id)  # a decision come too late is abandoned, not raised
    return {"reference": document.reference, "status": document.status, "sha256": document.sha256}


# A worker killed mid-job (SIGKILL, out of memory, machine lost) leaves its job `doing` for
# ever: procrastinate notices the dead worker by its heartbeat but does not requeue the job
# (its "retry stalled jobs" recipe). Every tick, the jobs of workers silent for longer than the
# stalled-worker timeout go back to the queue. Requeueing is safe because every job of the
# project may run twice (sign_pending, the timer sweep and retention are idempotent); the
# queueing lock keeps one such job waiting at most.
@app.periodic(cron=settings.PERMIS_STALLED_JOBS_CRON)
@app.task(queueing_lock="retry-stalled-jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> list[int]:
    """Requeues the jobs of dead workers (see above): a SIGKILL must not leave a decision unsigned
    for ever."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"]
    )
    for job in stalled:
        await manager.retry_job(job)
    return [job.id for job in stalled]
