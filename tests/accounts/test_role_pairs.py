"""Who holds what where: the rule is one queryset (MembershipQuerySet.role_pairs), read by the
state machine (workflow.actors.roles_for); the pages' checks read the same pairs through one
plain SQL statement (accounts.permissions.role_pairs, kept for speed), held to its answers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ConsultedService, Membership, Role
from accounts.permissions import role_pairs
from tests.factories import CommuneFactory, DossierFactory, InstructionServiceFactory, UserFactory
from workflow.actors import OFFICER, as_actor, roles_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_each_place_gives_its_pairs_in_one_query():
    first = CommuneFactory()
    second = CommuneFactory(insee_code="91345", name="Longjumeau")
    user = UserFactory()
    served = InstructionServiceFactory(communes=[first, second])
    Membership.objects.create(user=user, role=Role.SERVICE_HEAD, service=served)
    Membership.objects.create(user=user, role=Role.GUICHET, commune=second)
    Membership.objects.create(user=user, role=Role.OFFICER, service=InstructionServiceFactory())
    Membership.objects.create(  # a delegation that has ended holds nothing
        user=user,
        role=Role.SIGNATORY,
        commune=first,
        delegation_reference="2026-AR-014",
        valid_from=TODAY - datetime.timedelta(days=30),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    Membership.objects.create(
        user=user,
        role=Role.CONSULTEE,
        consulted_service=ConsultedService.objects.create(name="Architecte des Bâtiments"),
    )
    Membership.objects.create(user=UserFactory(), role=Role.GUICHET, commune=first)
    with CaptureQueriesContext(connection) as queries:
        pairs = role_pairs(user)
    assert len(queries) == 1
    assert (
        pairs
        == set(Membership.objects.role_pairs(user))
        == {
            (Role.SERVICE_HEAD, first.pk),
            (Role.SERVICE_HEAD, second.pk),
            (Role.GUICHET, second.pk),
            (Role.CONSULTEE, None),  # a consulted service answers for any commune
        }
    )
    # The state machine reads the same pairs for the dossier's commune.
    dossier = DossierFactory(commune=second)
    assert roles_for(as_actor(user), dossier) == {Role.SERVICE_HEAD, Role.GUICHET, OFFICER}
    assert roles_for(as_actor(user), DossierFactory(commune=first)) == {
        Role.SERVICE_HEAD,
        OFFICER,
    }
    assert roles_for(as_actor(UserFactory()), dossier) == set()


def test_the_pages_sql_gives_the_querysets_pairs_on_every_day_of_a_delegation():
    commune = CommuneFactory()
    deputy = UserFactory()
    Membership.objects.create(
        user=deputy,
        role=Role.SIGNATORY,
        commune=commune,
        delegation_reference="2026-AR-015",
        valid_from=TODAY,
        valid_until=TODAY + datetime.timedelta(days=1),
    )
    # A service role on a service serving no commune reaches none.
    Membership.objects.create(user=deputy, role=Role.OFFICER, service=InstructionServiceFactory())
    assert role_pairs(deputy) == set(Membership.objects.role_pairs(deputy))
    assert role_pairs(deputy) == {(Role.SIGNATORY, commune.pk)}
    Membership.objects.filter(user=deputy).update(valid_from=TODAY + datetime.timedelta(days=1))
    assert role_pairs(deputy) == set(Membership.objects.role_pairs(deputy)) == set()
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert set(Membership.objects.role_pairs(deputy, on=tomorrow)) == {(Role.SIGNATORY, commune.pk)}
