"""Lockout and rate limiting of password and code attempts (issue 5, point 7).

Failures are rows in the database, so every web worker sees the same count. A login (or a
second-factor account) is locked after PERMIS_LOGIN_MAX_FAILURES failures within the window,
counted from the latest failure; one IP address may fail PERMIS_LOGIN_MAX_FAILURES_PER_IP times
within the window whatever the logins it tries. While locked, even the right password is refused.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import LoginFailure

LOCKED_MESSAGE = (
    "Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée pendant "
    "{minutes} minutes. Réessayez plus tard."
)


def client_ip(request) -> str | None:
    """The address failures are counted against, None when unknown."""
    # Behind the TLS proxy, REMOTE_ADDR is the proxy's unless the proxy rewrites it (deploy.md).
    return request.META.get("REMOTE_ADDR") or None


def _since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.PERMIS_LOGIN_WINDOW_S)


def is_locked(key: str, ip: str | None) -> bool:
    """Locked on either count: per login against guessing one password, per address against
    trying many logins."""
    since = _since()
    if LoginFailure.objects.filter(key=key, created_at__gte=since).count() >= (
        settings.PERMIS_LOGIN_MAX_FAILURES
    ):
        return True
    return bool(ip) and LoginFailure.objects.filter(
        ip_address=ip, created_at__gte=since
    ).count() >= (settings.PERMIS_LOGIN_MAX_FAILURES_PER_IP)


def record_failure(key: str, ip: str | None):
    """Counts a failed attempt, in the database so that every web worker sees it."""
    LoginFailure.objects.create(key=key, ip_address=ip)
    # Old rows are of no use: keep the table small.
    LoginFailure.objects.filter(created_at__lt=_since() - datetime.timedelta(days=1)).delete()


def clear(key: str):
    """A success forgives the login's earlier failures."""
    LoginFailure.objects.filter(key=key).delete()


def locked_message() -> str:
    """The French refusal, naming the wait so that the person knows when to come back."""
    return LOCKED_MESSAGE.format(minutes=max(1, settings.PERMIS_LOGIN_WINDOW_S // 60))


def password_key(login: str) -> str:
    """One count per login whatever its case or spaces, so variants do not multiply attempts."""
    return f"password:{login.strip().lower()}"


def totp_key(user) -> str:
    """The second factor's count, apart from the password's: a known password does not free
    the codes."""
    return f"totp:{user.pk}"
