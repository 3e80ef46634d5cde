"""The job queue and its workers as procrastinate's tables show them: read by /sante/ and by
/metrics (config/metrics.py). One statement each, on the primary (the queue is never routed to
the replica: core/db_router.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection


def stalled_after_s() -> int:
    """The age after which a worker's heartbeat says it is dead: procrastinate's own threshold, so
    both agree."""
    return settings.PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"]


@dataclass(frozen=True)
class QueueHealth:
    workers_alive: int  # heartbeat younger than the stalled-worker timeout
    heartbeat_age_s: float | None  # the freshest worker heartbeat; None: no worker ever seen
    oldest_job_age_s: float | None  # the job waiting longest to start; None: nothing waits


def queue_health() -> QueueHealth:
    """Live workers, the freshest heartbeat and the oldest waiting job, in one query for /sante/ and
    /metrics."""
    # A job waits from its scheduled time (a retry) or else from when it was deferred.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM procrastinate_workers
                     WHERE last_heartbeat >= now() - make_interval(secs => %s)),
                   (SELECT extract(epoch FROM now() - max(last_heartbeat))
                      FROM procrastinate_workers),
                   (SELECT extract(epoch FROM now() - min(coalesce(j.scheduled_at, e.at)))
                      FROM procrastinate_jobs j
                      LEFT JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred'
                     WHERE j.status = 'todo'
                       AND (j.scheduled_at IS NULL OR j.scheduled_at <= now()))
            """,
            [stalled_after_s()],
        )
        alive, heartbeat_age, oldest = cursor.fetchone()
    return QueueHealth(
        workers_alive=alive,
        heartbeat_age_s=None if heartbeat_age is None else round(float(heartbeat_age), 1),
        oldest_job_age_s=None if oldest is None else max(0.0, round(float(oldest), 1)),
    )


def jobs_by_task() -> list[tuple[str, str, int]]:
    """(task, state, count) for the jobs that need watching: queued (todo), running (doing),
    stalled (doing, held by a worker silent beyond the timeout or gone), failed (for good)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT j.task_name,
                   CASE WHEN j.status = 'todo' THEN 'queued'
                        WHEN j.status = 'failed' THEN 'failed'
                        WHEN w.id IS NULL
                          OR w.last_heartbeat < now() - make_interval(secs => %s) THEN 'stalled'
                        ELSE 'running' END AS state,
                   count(*)
              FROM procrastinate_jobs j
              LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
             WHERE j.status IN ('todo', 'doing', 'failed')
             GROUP BY 1, 2
            """,
            [stalled_after_s()],
        )
        return cursor.fetchall()
