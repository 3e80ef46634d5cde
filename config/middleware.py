"""Headers Django does not set itself, and one structured log line per request."""

import logging
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger("permis.request")

# Everything is served from this origin (no CDN); inline scripts and styles are not allowed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=()"


def content_security_policy() -> str:
    """The policy, with the map's tile server as an image origin when one is configured
    (settings.PERMIS_TILE_URL): the only other origin a page may load from."""
    tiles = urlsplit(settings.PERMIS_TILE_URL)
    if not (tiles.scheme and tiles.netloc):
        return CONTENT_SECURITY_POLICY
    origin = f"{tiles.scheme}://{tiles.netloc}"
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
