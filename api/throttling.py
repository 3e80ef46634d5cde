"""The site's rate limits (core.ratelimit) for API views: DRF answers 429 with Retry-After."""

from rest_framework.throttling import BaseThrottle

from api.models import ServiceAccount
from core.ratelimit import requester, seconds_to_wait


class RateLimit(BaseThrottle):
    """Counts against the view's `rate_limit_scope`, per service account or else per person."""

    def allow_request(self, request, view):
        """The shared rate limit (core.ratelimit), counted per service account or else per client
        address."""
        account = request.auth if isinstance(request.auth, ServiceAccount) else None
        who = f"account:{account.pk}" if account else requester(request)
        self.wait_s = seconds_to_wait(view.rate_limit_scope, who)
        return not self.wait_s

    def wait(self):
        return self.wait_s
