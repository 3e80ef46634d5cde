"""Who calls the API: a system with `Authorization: Bearer <token>` (a ServiceAccount), or an
agent signed in to the site (session, with DRF's CSRF check on unsafe methods)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from accounts.permissions import DOSSIER_READERS, commune_ids_for
from api.models import Scope, ServiceAccount, hash_token
from core.compiled import Compiled


def _account(token_hash: str):
    """The active account of a token hash with its communes' ids, in one query."""
    communes = ServiceAccount.communes.through.objects.filter(
        serviceaccount_id=OuterRef("pk")
    ).values("commune_id")
    return (
        ServiceAccount.objects.filter(token_hash=token_hash, is_active=True)
        .only("id", "name", "scopes", "last_used_at")
        .annotate(commune_ids=ArraySubquery(communes))
    )


# Compiled once: compiling it cost more than running it (docs/benchmarks.md, API hot reads).
ACCOUNT = Compiled(_account, token_hash="compiled-marker")  # noqa: S106 (a marker, not a secret)


class ServiceUser(AnonymousUser):
    """The request.user of a system: authenticated, but no person and no Django permission."""

    def __init__(self, account: ServiceAccount):
        self.account = account

    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def __str__(self):
        return f"service:{self.account.name}"


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header.")
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        account = ACCOUNT.first(token_hash=hash_token(token))
        if account is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        # One write a minute at most: the token is checked on every call.
        if account.last_used_at is None or (now - account.last_used_at).total_seconds() > 60:
            ServiceAccount.objects.filter(pk=account.pk).update(last_used_at=now)
        return ServiceUser(account), account

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


@dataclass(frozen=True)
class Principal:
    """What a request may reach: communes (their ids) and scopes, whoever it comes from."""

    commune_ids: tuple[int, ...]
    scopes: frozenset[str]


def principal(request) -> Principal:
    cached = getattr(request, "_api_principal", None)
    if cached is not None:
        return cached
    if isinstance(request.auth, ServiceAccount):
        account = request.auth
        # `commune_ids` is the token query's annotation (_account), which the stubs cannot see.
        commune_ids: list[int] = getattr(account, "commune_ids")  # noqa: B009
        result = Principal(tuple(commune_ids), frozenset(account.scopes))
    elif request.user.is_authenticated:
        # Agents read the dossiers of their communes (accounts.permissions), every scope.
        result = Principal(
            tuple(commune_ids_for(request.user, DOSSIER_READERS)), frozenset(Scope.values)
        )
    else:
        result = Principal((), frozenset())
    request._api_principal = result
    return result


class HasScope(permissions.BasePermission):
    """The view's `required_scope`, and at least one commune to read in."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        who = principal(request)
        return view.required_scope in who.scopes and bool(who.commune_ids)
