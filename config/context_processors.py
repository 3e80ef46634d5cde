"""What every page's layout needs: the site's name and the menu entries the person's roles open."""

from django.conf import settings

from accounts.models import Role
from accounts.permissions import holds_role
from permits.stats import STATISTICS_ROLES


def site(request):
    """The service's name and operator, shown in every page's header and footer."""
    return {
        "site_name": settings.PERMIS_SITE_NAME,
        "operator_name": settings.PERMIS_OPERATOR_NAME,
        "logo": settings.PERMIS_LOGO,
    }


def agent_menu(request):
    """Which agent screens the menu offers (each view checks the role again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The roles the request already read (accounts.middleware): no query of its own.
    return {
        "agent_menu": {
            "instructor": holds_role(user, {Role.OFFICER, Role.SERVICE_HEAD}),
            "counter": holds_role(user, {Role.GUICHET, Role.OFFICER, Role.SERVICE_HEAD}),
            "signatory": holds_role(user, {Role.SIGNATORY}),
            "consultee": holds_role(user, {Role.CONSULTEE}),
            "statistics": holds_role(user, STATISTICS_ROLES),
            "reference_data": holds_role(user, {Role.COMMUNE_ADMIN}),
        }
    }
