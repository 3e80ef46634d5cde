"""Fresh authentication: signing a decision needs a re-authentication a few minutes old at most.

Call `mark_authenticated` when a person proves who they are (sign-in, second factor,
re-authentication page); guard the signing view with `fresh_authentication_required`.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "permis_authenticated_at"


def mark_authenticated(request):
    """Starts the freshness window that signing needs; called wherever a person proves who they
    are."""
    request.session[SESSION_KEY] = int(time.time())


def is_fresh(request, max_age_s: int | None = None) -> bool:
    """Whether the person proved who they are within the window: an unattended session must
    not sign a decision."""
    max_age_s = settings.PERMIS_REAUTH_MAX_AGE_S if max_age_s is None else max_age_s
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and 0 <= time.time() - at <= max_age_s


def fresh_authentication_required(view):
    """Sends to the re-authentication page unless the person proved it is them just now."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
        if not is_fresh(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
