"""Who may act where: every check names a role and a commune (issue 5, point 5).

Service roles (instructeur, chef de service, administrateur du service) reach every commune the
service instructs for (R423-15); the other roles are held on one commune. A signatory's
delegation counts only between its dates of validity. Applicants hold no role: a dossier is
theirs when they deposited it.

Dossiers are read through two attributes only (`commune_id`, `depositor_id`), so accounts needs
no import of permits.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect

from accounts.models import SERVICE_ROLES, Commune, Membership, Role

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


def communes_for(user, roles=AGENT_ROLES):
    """The communes where the user holds one of the roles (directly or through a service)."""
    roles = set(roles)
    held = _memberships(user, roles)
    return Commune.objects.filter(
        Q(memberships__in=held.filter(role__in=roles - SERVICE_ROLES))
        | Q(instruction_services__memberships__in=held.filter(role__in=roles & SERVICE_ROLES))
    ).distinct()


def has_role(user, roles, commune) -> bool:
    """True when the user holds one of `roles` for `commune` (a Commune or its id) today."""
    commune_id = getattr(commune, "pk", commune)
    return communes_for(user, roles).filter(pk=commune_id).exists()


def is_agent(user) -> bool:
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
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles, commune=None):
    """Guards a view: anonymous people are sent to sign in, others need one of `roles`.

    `commune(request, **kwargs)` names the commune the request acts on (a Commune or an id);
    without it, holding the role in any commune suffices (lists filtered per commune)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _login_redirect(request)
            allowed = (
                has_role(request.user, roles, commune(request, **kwargs))
                if commune is not None
                else communes_for(request.user, roles).exists()
            )
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
