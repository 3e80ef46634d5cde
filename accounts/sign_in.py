"""Opening a session once a person is identified: the second factor first for signatories.
Shared by the sign-in views (accounts.views: password, federated, signup)."""

from django.contrib import auth
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import reauth, totp
from accounts.models import User

BACKEND = "accounts.backends.PasswordBackend"
PENDING_USER = "permis_pending_user"
PENDING_NEXT = "permis_pending_next"
PENDING_LOGOUT = "permis_pending_logout"
LOGOUT = "permis_oidc_logout"  # {"provider": name, "id_token": …}: ends the provider's session


def safe_next(request, candidate: str | None, default: str = "accounts:account") -> str:
    """Where to go after signing in: only a URL of this site, never an open redirect."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def begin(request, user, *, next_url: str, logout: dict | None = None):
    """Signs the user in, or asks for the second factor first (signatories)."""
    if totp.second_factor_required(user):
        request.session.cycle_key()
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_NEXT] = next_url
        request.session[PENDING_LOGOUT] = logout
        if totp.has_confirmed_device(user):
            return redirect("accounts:second_factor")
        return redirect("accounts:totp_setup")
    return finish(request, user, next_url=next_url, logout=logout)


def pending_user(request):
    """The person between password and second factor, None when the session holds none (or
    the account was deactivated meanwhile)."""
    pk = request.session.get(PENDING_USER)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def finish(request, user, *, next_url: str | None = None, logout: dict | None = None):
    """Signs in with a new session key (no fixation), drops the pending state and starts the
    freshness window; keeps the provider's token to end its session at logout."""
    next_url = next_url or request.session.get(PENDING_NEXT)
    logout = logout or request.session.get(PENDING_LOGOUT)
    auth.login(request, user, backend=BACKEND)  # a new session key (no fixation)
    for key in (PENDING_USER, PENDING_NEXT, PENDING_LOGOUT):
        request.session.pop(key, None)
    if logout:
        request.session[LOGOUT] = logout
    reauth.mark_authenticated(request)
    return redirect(safe_next(request, next_url))
