"""Which dossiers a person may see: their own, or those of the communes where they act.

Every dossier view goes through `visible_dossiers`, so a dossier of another applicant or of a
commune the agent does not serve is a 404, never a leak (consulted services get their own space
with the consultations issue).
"""

from django.db.models import Q, QuerySet

from accounts.models import Membership
from permits.models import Dossier

COMMUNE_ROLES = ("signatory", "commune_admin")


def visible_dossiers(user) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    memberships = Membership.objects.filter(user=user)
    served = memberships.filter(role="officer").values("service__communes")
    governed = memberships.filter(role__in=COMMUNE_ROLES).values("commune")
    return Dossier.objects.filter(
        Q(depositor=user) | Q(commune__in=served) | Q(commune__in=governed)
    ).exclude(Q(state="draft") & ~Q(depositor=user))  # a draft is its author's only
