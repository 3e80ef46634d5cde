"""Site-wide views: home, health, and the French error pages."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.jobs_health import queue_health
from workflow.procedures import INITIAL_CODES, PROCEDURES

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    """The home page: the procedures an applicant may start online."""
    procedures = [PROCEDURES[code] for code in INITIAL_CODES]
    return render(request, "home.html", {"procedures": procedures})


@never_cache
@require_safe
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise. Also
    the job worker's heartbeat and the queue's oldest waiting job, for the operator (a dead
    worker does not make the web unhealthy: its alert is on /metrics, docs/deploy.md)."""
    body = {"status": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_health()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    body["worker"] = {
        "alive": queue.workers_alive,
        "heartbeat_age_s": queue.heartbeat_age_s,
    }
    body["queue"] = {"oldest_job_age_s": queue.oldest_job_age_s}
    return JsonResponse(body)


def _error(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("errors/400.html", 400)
permission_denied = _error("errors/403.html", 403)
page_not_found = _error("errors/404.html", 404)


def server_error(request):
    """The 500 page, rendered without context processors: they could fail again."""
    # No context processors that could fail again: a plain render of a static template.

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
