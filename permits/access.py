"""Which dossiers a person may see: their own, or those of the communes where they act.

Every dossier view goes through `visible_dossiers`, so a dossier of another applicant or of a
commune the agent does not serve is a 404, never a leak (consulted services get their own space
with the consultations issue).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Commune
from accounts.permissions import DOSSIER_READERS, can_view_dossier, commune_ids_for
from core.compiled import KEY_MARKER, Compiled
from permits.models import Dossier

# The dossier pages' reads by primary key, compiled once (core.compiled): building the
# ORM's statement for a 65-column row cost more than PostgreSQL's reading it.
# One row by key: no ORDER BY (the models' default orderings).
_DOSSIER = Compiled(lambda pk: Dossier.objects.filter(pk=pk).order_by(), pk=KEY_MARKER)
_COMMUNE = Compiled(lambda pk: Commune.objects.filter(pk=pk).order_by(), pk=KEY_MARKER)


def visible_dossiers(user) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    # accounts.permissions: roles per commune, service roles through the communes served,
    # delegations only between their dates (the same rule as accounts.can_view_dossier).
    # The ids as a list, not a subquery: PostgreSQL plans an index scan on them.
    agent_of = commune_ids_for(user, DOSSIER_READERS)
    return Dossier.objects.filter(Q(depositor=user) | Q(commune_id__in=agent_of)).exclude(
        Q(state="draft") & ~Q(depositor=user)
    )  # a draft is its author's only


def dossier_by_id(pk: int, *, with_commune: bool = False) -> Dossier | None:
    """The dossier (with its commune if asked, as select_related gives it), or None."""
    dossier = _DOSSIER.first(pk=pk)
    if dossier is not None and with_commune:
        dossier.commune = _COMMUNE.first(pk=dossier.commune_id)
    return dossier


def visible_dossier(user, pk: int, *, with_commune: bool = False) -> Dossier:
    """One dossier by id if the person may see it, else 404 (whether it exists or not).

    The same rule as `visible_dossiers`, checked on the row it fetched by primary key
    (accounts.permissions.can_view_dossier): building and compiling that OR query cost more
    than the rest of the lookup.
    """
    dossier = dossier_by_id(pk, with_commune=with_commune)
    if dossier is None or not can_view_dossier(user, dossier):
        raise Http404("No Dossier matches the given query.")
    return dossier
