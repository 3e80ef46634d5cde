"""Site-wide views: home, health, and the French error pages."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from workflow.procedures import INITIAL_CODES, PROCEDURES

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    procedures = [PROCEDURES[code] for code in INITIAL_CODES]
    return render(request, "home.html", {"procedures": procedures})


@never_cache
@require_safe
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        logger.exception("health check: database unreachable")
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


def _error(template: str, status: int):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("errors/400.html", 400)
permission_denied = _error("errors/403.html", 403)
page_not_found = _error("errors/404.html", 404)


def server_error(request):
    # No context processors that could fail again: a plain render of a static template.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
