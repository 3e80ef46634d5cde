"""Prometheus metrics at /metrics (docs/deploy.md, "Surveillance").

What the web processes count as they serve (requests by view, method and status; latency
histograms by view) is kept by prometheus_client: in memory, or under gunicorn's several workers
in PROMETHEUS_MULTIPROC_DIR, summed at scrape time (config/gunicorn.py). What the database knows
(jobs, timers, signatures, imports, workers) is read at each scrape by `DatabaseCollector`, so
every web process answers the same figures.

Access: with PERMIS_METRICS_TOKEN set, the scraper sends `Authorization: Bearer <token>`;
without it, only the loopback may read (a scraper on the same host or behind the proxy).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from cadastre.imports import runs_by_kind
from config.jobs_health import jobs_by_task, queue_health
from permits.decisions.issuing import SIGN_JOB

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROC_DIR:  # the values live in files there, created at the first request
    os.makedirs(MULTIPROC_DIR, exist_ok=True)

REQUESTS = Counter(
    "permis_http_requests",
    "HTTP requests answered, by view (URL name), method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "permis_http_request_duration_seconds",
    "Time to answer a request, by view (URL name).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    """Counts and times every request; the view label is the URL name, never the path (its
    ids would make one series per dossier)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name or match.url_name or "unnamed") if match else "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - start)
        return response


class DatabaseCollector:
    """The figures an operator alerts on, read from the database at each scrape."""

    def collect(self):
        """Gauges read from the database at each scrape (jobs by state, signing failures…): shared
        by all workers, so counted once."""
        jobs = GaugeMetricFamily(
            "permis_jobs",
            "Jobs by task and state: queued, running, stalled (worker silent), failed.",
            labels=["task", "state"],
        )
        signing = SIGN_JOB
        signing_failed = 0
        for task, state, count in jobs_by_task():
            jobs.add_metric([task, state], count)
            if task == signing and state in ("failed", "stalled"):
                signing_failed += count
        yield jobs
        yield GaugeMetricFamily(
            "permis_signing_jobs_failing",
            "Signing jobs failed for good or stalled: documents that will not be signed alone.",
            value=signing_failed + _signing_retries(signing),
        )

        health = queue_health()
        yield GaugeMetricFamily(
            "permis_workers_alive",
            "Job workers whose heartbeat is recent (PERMIS_WORKER_STALLED_AFTER_S).",
            value=health.workers_alive,
        )
        if health.heartbeat_age_s is not None:
            yield GaugeMetricFamily(
                "permis_worker_heartbeat_age_seconds",
                "Seconds since the freshest worker heartbeat.",
                value=health.heartbeat_age_s,
            )
        yield GaugeMetricFamily(
            "permis_jobs_oldest_queued_age_seconds",
            "Seconds the oldest startable job has waited (0: none waits).",
            value=health.oldest_job_age_s or 0,
        )

        due, overdue = _timers()
        yield GaugeMetricFamily(
            "permis_timers_due",
            "Dossiers whose next timer (tacit decision, lapse…) is due today or earlier.",
            value=due,
        )
        yield GaugeMetricFamily(
            "permis_timers_overdue",
            "Dossiers whose timer was due before today: the hourly sweep has not fired them.",
            value=overdue,
        )
        yield from _imports()


def _signing_retries(task: str) -> int:
    """Signing jobs waiting for another attempt after a failure (a token or TSA unreachable)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs "
            "WHERE task_name = %s AND status = 'todo' AND attempts > 0",
            [task],
        )
        return cursor.fetchone()[0]


def _timers() -> tuple[int, int]:
    model = apps.get_model(settings.WORKFLOW_INSTRUCTION_MODEL)
    today = timezone.localdate()
    counts = model.objects.using("default").aggregate(
        due=Count("pk", filter=Q(next_timer_on__lte=today)),
        overdue=Count("pk", filter=Q(next_timer_on__lt=today)),
    )
    return counts["due"], counts["overdue"]


def _imports():
    runs = GaugeMetricFamily(
        "permis_imports",
        "Imports run (cadastre, PLU, servitudes), by kind and outcome, since installation.",
        labels=["kind", "outcome"],
    )
    last = GaugeMetricFamily(
        "permis_import_last_success_timestamp_seconds",
        "When the last successful import of each kind ended (Unix time).",
        labels=["kind"],
    )
    for kind, outcome, count, last_success in runs_by_kind():
        runs.add_metric([kind, outcome], count)
        if last_success is not None:
            last.add_metric([kind], last_success.timestamp())
    yield runs
    yield last


def _allowed(request) -> bool:
    token = settings.PERMIS_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_safe
def metrics(request):
    """The Prometheus exposition of every worker's counters and the database gauges, for the
    supervision only."""
    if not _allowed(request):
        return HttpResponseForbidden("Accès réservé à la supervision.", content_type="text/plain")
    if MULTIPROC_DIR:
        served = CollectorRegistry()
        MultiProcessCollector(served)
    else:
        served = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = generate_latest(served) + generate_latest(database)
    # The text format every Prometheus version reads (0.0.4).
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
