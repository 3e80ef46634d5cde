"""Who holds what where, from one queryset (MembershipQuerySet.role_pairs): the pages'
checks (accounts.permissions) and the state machine's (workflow.actors.roles_for) agree."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ConsultedService, Membership, Role
from accounts.permissions import role_pairs
from permits.access import dossier_by_id
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
    assert pairs == {
        (Role.SERVICE_HEAD, first.pk),
        (Role.SERVICE_HEAD, second.pk),
        (Role.GUICHET, second.pk),
        (Role.CONSULTEE, None),  # a consulted service answers for any commune
    }
    # The state machine reads the same pairs for the dossier's commune.
    dossier = DossierFactory(commune=second)
    assert roles_for(as_actor(user), dossier) == {Role.SERVICE_HEAD, Role.GUICHET, OFFICER}
    assert roles_for(as_actor(user), DossierFactory(commune=first)) == {
        Role.SERVICE_HEAD,
        OFFICER,
    }
    assert roles_for(as_actor(UserFactory()), dossier) == set()


def test_a_dossier_by_an_id_that_no_row_can_have_is_none():
    assert dossier_by_id(2**70) is None and dossier_by_id(-1) is None
    dossier = DossierFactory()
    with CaptureQueriesContext(connection) as queries:
        found = dossier_by_id(dossier.pk, with_commune=True)
        assert found == dossier and found.commune.name == dossier.commune.name
    assert len(queries) == 1
