"""Who may act where: every check names a role and a commune (issue 5, point 5).

Service roles (instructeur, chef de service, administrateur du service) reach every commune the
service instructs for (R423-15); the other roles are held on one commune. A signatory's
delegation counts only between its dates of validity. Applicants hold no role: a dossier is
theirs when they deposited it.

Dossiers are read through two attributes only (`commune_id`, `depositor_id`), so accounts needs
no import of permits.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache, wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from accounts.models import (
    SERVICE_ROLES,
    Commune,
    ConsultedService,
    InstructionService,
    Membership,
    Role,
    User,
)

AnyUser = User | AnonymousUser
# A view function, kept as it is by the guards below.
View = TypeVar("View", bound=Callable[..., Any])


class SignedInRequest(HttpRequest):
    """The request of a view behind role_required or login_required, for the type checker:
    only signed-in people get through (django-stubs' pattern; never instantiated)."""

    user: User


# Who may read a dossier of their commune (its instruction, its pieces).
DOSSIER_READERS = frozenset(
    {
        Role.GUICHET,
        Role.OFFICER,
        Role.SERVICE_HEAD,
        Role.SIGNATORY,
        Role.COMMUNE_ADMIN,
        Role.ADMINISTRATOR,
    }
)
AGENT_ROLES = frozenset(Role)


def _memberships(user, roles):
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user, role__in=list(roles))


# While a request is served (remembered_roles), the user's (role, commune id) pairs are read
# once and kept on the user object: the guard, the view, the menu and every list share them.
_REMEMBERED = "_permis_role_pairs"


def role_pairs(user) -> frozenset[tuple[str, int | None]]:
    """Every (role, commune id) the user holds today, directly or through a service, and
    (consultee, None) for a consulted service: `MembershipQuerySet.role_pairs` (the rule)
    as one plain SQL statement, because building the ORM's query on every page cost more
    than a tenth of a page (docs/benchmarks.md). tests/accounts/test_role_pairs.py holds the
    two to the same answers."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    sql = _role_pairs_sql()
    day = timezone.localdate()
    service_roles = sorted(SERVICE_ROLES)
    direct_roles = sorted(set(AGENT_ROLES) - SERVICE_ROLES)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [user.pk, direct_roles, day, day, user.pk, service_roles, day, day, user.pk, day, day],
        )
        return frozenset(cursor.fetchall())


@cache
def _role_pairs_sql() -> str:
    through = InstructionService.communes.through._meta
    names = {  # identifiers from the models' metadata, never from input
        "membership": Membership._meta.db_table,
        "served": through.db_table,
        "service_id": through.get_field("instructionservice").column,
        "commune_id": through.get_field("commune").column,
    }
    in_force = (
        "(m.valid_from IS NULL OR m.valid_from <= %s)"
        " AND (m.valid_until IS NULL OR m.valid_until >= %s)"
    )
    return (  # noqa: S608 (identifiers from the models only; values are bound)
        "SELECT m.role, m.commune_id FROM {membership} m WHERE m.user_id = %s"
        " AND m.role = ANY(%s) AND m.commune_id IS NOT NULL AND {in_force}"
        " UNION SELECT m.role, s.{commune_id} FROM {membership} m"
        " JOIN {served} s ON s.{service_id} = m.service_id"
        " WHERE m.user_id = %s AND m.role = ANY(%s) AND {in_force}"
        " UNION SELECT m.role, NULL FROM {membership} m"
        " WHERE m.user_id = %s AND m.consulted_service_id IS NOT NULL AND {in_force}"
    ).format(in_force=in_force, **names)


@contextmanager
def remembered_roles(user):
    """Within the block (one request), roles are read from the database once. Outside it each
    check reads them afresh: memberships may change between two calls on one user object."""
    if not user.is_authenticated or getattr(user, _REMEMBERED, None) is not None:
        yield
        return
    setattr(user, _REMEMBERED, {})
    try:
        yield
    finally:
        delattr(user, _REMEMBERED)


def _pairs(user) -> frozenset[tuple[str, int | None]]:
    """The user's role pairs: remembered for the request, or read now."""
    memo = getattr(user, _REMEMBERED, None)
    if memo is None:
        return role_pairs(user)
    if "pairs" not in memo:
        memo["pairs"] = role_pairs(user)
    return memo["pairs"]


def commune_ids_for(user, roles=AGENT_ROLES) -> list[int]:
    """The ids of the communes where the user holds one of the roles, sorted."""
    roles = set(roles)
    return sorted({c for r, c in _pairs(user) if r in roles and c is not None})


def communes_for(user: AnyUser, roles: Iterable[str] = AGENT_ROLES) -> QuerySet[Commune]:
    """The communes where the user holds one of the roles (directly or through a service)."""
    return Commune.objects.filter(pk__in=commune_ids_for(user, roles))


def holds_role(user, roles) -> bool:
    """True when the user holds one of `roles` in at least one commune today."""
    return any(r in roles for r, _ in _pairs(user))


def has_role(user, roles, commune) -> bool:
    """True when the user holds one of `roles` for `commune` (a Commune or its id) today."""
    commune_id = str(getattr(commune, "pk", commune))
    return any(r in roles and str(c) == commune_id for r, c in _pairs(user))


def is_agent(user) -> bool:
    """Whether the person holds any role today, read from the memberships themselves (not the
    pairs remembered for the request)."""
    return _memberships(user, AGENT_ROLES).exists()


def can_view_dossier(user, dossier) -> bool:
    """The depositor sees their own dossier; agents of its commune see every filed dossier
    there (a draft is its author's only)."""
    if not user.is_authenticated:
        return False
    if dossier.depositor_id is not None and dossier.depositor_id == user.pk:
        return True
    if getattr(dossier, "state", None) == "draft":
        return False
    return has_role(user, DOSSIER_READERS, dossier.commune_id)


def _login_redirect(request):
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")


def login_required(view):
    """Django's login_required, keeping the page asked for in `next` as the other guards do."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def role_required(
    *roles: str, commune: Callable[..., Commune | int | str] | None = None
) -> Callable[[View], View]:
    """Guards a view: anonymous people are sent to sign in, others need one of `roles`.

    `commune(request, **kwargs)` names the commune the request acts on (a Commune or an id);
    without it, holding the role in any commune suffices (lists filtered per commune)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _login_redirect(request)
            # The roles are read once per request (accounts.middleware), then shared.
            allowed = (
                has_role(request.user, roles, commune(request, **kwargs))
                if commune is not None
                else holds_role(request.user, roles)
            )
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, wrapper)  # the same signature (functools.wraps)

    return decorator


def consulted_services_for(user):
    """The consulted services whose consultations the user answers, for any commune."""
    return ConsultedService.objects.filter(
        memberships__in=_memberships(user, [Role.CONSULTEE]).filter(consulted_service__isnull=False)
    ).distinct()


def consultee_required(view):
    """Guards the consulted services' space: a consultee of a consulted service, or of a
    commune (each view then lists only the consultations addressed to them)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        user = request.user
        if not holds_role(user, {Role.CONSULTEE}):  # of a commune or of a consulted service
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
