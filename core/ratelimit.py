"""Rate limits on the public endpoints that cost the most: the signature check (/verifier, an
upload read by pyHanko), the registers' exports and the parcel check (issue 20, point 6).

A fixed window per (scope, person or address) counted in Django's cache. The limits are the
setting PERMIS_RATE_LIMITS ({scope: "N/s|min|h"}, environment PERMIS_RATE_LIMIT_<SCOPE>);
PERMIS_RATE_LIMITS_ENABLED=0 turns them all off. With the default local-memory cache each web
worker counts on its own (docs/deploy.md): a shared cache makes the limit exact.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "min": 60, "h": 3600}
View = TypeVar("View", bound=Callable[..., Any])


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/min" → (30, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def requester(request) -> str:
    """A signed-in person by account, anyone else by address (REMOTE_ADDR, set right by the
    TLS proxy: docs/deploy.md)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "pk", None):
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def seconds_to_wait(scope: str, who: str) -> int:
    """Counts one request; 0 when it may go on, else the seconds until the window ends."""
    if not settings.PERMIS_RATE_LIMITS_ENABLED or scope not in settings.PERMIS_RATE_LIMITS:
        return 0
    limit, period = parse_rate(settings.PERMIS_RATE_LIMITS[scope])
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{scope}:{who}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return 0
    wait = max(1, int((window + 1) * period - now))
    if count == limit + 1:  # logged once per window, not for each refused request
        logger.warning("rate limit reached", extra={"scope": scope, "requester": who})
    return wait


def too_many_requests(request, wait: int, json: bool = False):
    """The French 429: a page, or the JSON errors of the endpoints that speak JSON."""
    minutes = max(1, round(wait / 60))
    message = (
        f"Trop de demandes en peu de temps. Réessayez dans {wait} secondes."
        if wait < 120
        else f"Trop de demandes en peu de temps. Réessayez dans {minutes} minutes."
    )
    response: HttpResponse
    if json:
        response = JsonResponse({"error": "rate_limited", "message": message}, status=429)
    else:
        response = render(request, "errors/429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(
    scope: str, when: Callable[[HttpRequest], bool] | None = None, json: bool = False
) -> Callable[[View], View]:
    """Limits a view; `when(request)` says which requests count (all by default)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if when is None or when(request):
                wait = seconds_to_wait(scope, requester(request))
                if wait:
                    return too_many_requests(request, wait, json=json)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)  # the same signature (functools.wraps)

    return decorator
