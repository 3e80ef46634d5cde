"""Roles per commune: service roles reach the communes served, delegations have dates, a
dossier is seen by its depositor and by the agents of its commune."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import Membership, Role
from accounts.permissions import can_view_dossier, communes_for, has_role, role_required
from tests.factories import CommuneFactory, InstructionServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def communes():
    first = CommuneFactory()
    second = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    third = CommuneFactory(insee_code="91432", name="Morsang-sur-Orge", population=20000)
    return first, second, third


def member(role, **place):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, **place)
    return user


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SERVICE_HEAD, Role.ADMINISTRATOR])
def test_service_roles_reach_every_commune_the_service_serves(communes, role):
    first, second, third = communes
    user = member(role, service=InstructionServiceFactory(communes=[first, second]))
    assert set(communes_for(user, [role])) == {first, second}
    assert not has_role(user, [role], third)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SERVICE_HEAD, Role.ADMINISTRATOR])
def test_service_roles_are_held_on_a_service(communes, role):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=role, commune=communes[0])


def test_commune_roles_reach_their_commune_only(communes):
    first, second, _ = communes
    user = member(Role.GUICHET, commune=first)
    assert has_role(user, [Role.GUICHET], first)
    assert not has_role(user, [Role.GUICHET], second)
    assert not has_role(user, [Role.OFFICER, Role.SIGNATORY], first)


def test_a_delegation_counts_between_its_dates(communes):
    first = communes[0]
    deputy = UserFactory()
    Membership.objects.create(
        user=deputy,
        role=Role.SIGNATORY,
        commune=first,
        title="Adjointe déléguée à l'urbanisme",
        delegation_reference="2026-AR-014",
        valid_from=TODAY - datetime.timedelta(days=30),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    assert not has_role(deputy, [Role.SIGNATORY], first)
    Membership.objects.filter(user=deputy).update(valid_until=TODAY)
    assert has_role(deputy, [Role.SIGNATORY], first)
    Membership.objects.filter(user=deputy).update(
        valid_from=TODAY + datetime.timedelta(days=1), valid_until=None
    )
    assert not has_role(deputy, [Role.SIGNATORY], first)


def test_a_delegation_needs_its_start_date_and_ordered_dates(communes):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=UserFactory(), role=Role.SIGNATORY, commune=communes[0], delegation_reference="X"
        )


def test_validity_dates_are_ordered(communes):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=UserFactory(),
            role=Role.SIGNATORY,
            commune=communes[0],
            valid_from=TODAY,
            valid_until=TODAY - datetime.timedelta(days=1),
        )


def test_an_inactive_user_holds_no_role(communes):
    user = member(Role.GUICHET, commune=communes[0])
    user.is_active = False
    assert not has_role(user, [Role.GUICHET], communes[0])


def test_a_dossier_is_seen_by_its_depositor_and_its_commune_agents(communes):
    first, second, _ = communes
    depositor, other = UserFactory(), UserFactory()
    dossier = SimpleNamespace(depositor_id=depositor.pk, commune_id=first.pk, state="deposited")
    assert can_view_dossier(depositor, dossier)
    assert not can_view_dossier(other, dossier)  # another applicant, by id
    assert can_view_dossier(member(Role.GUICHET, commune=first), dossier)
    assert not can_view_dossier(member(Role.GUICHET, commune=second), dossier)
    assert not can_view_dossier(member(Role.CONSULTEE, commune=first), dossier)
    draft = SimpleNamespace(depositor_id=depositor.pk, commune_id=first.pk, state="draft")
    assert can_view_dossier(depositor, draft)
    assert not can_view_dossier(member(Role.SIGNATORY, commune=first), draft)


def test_role_required_checks_the_role_and_the_commune(communes):
    first, second, _ = communes

    @role_required(Role.OFFICER, commune=lambda request, insee: insee_pk(insee))
    def view(request, insee):
        return HttpResponse("ok")

    def insee_pk(insee):
        return {"91216": first.pk, "91345": second.pk}[insee]

    officer = member(Role.OFFICER, service=InstructionServiceFactory(communes=[first]))
    request = RequestFactory().get("/x/")
    request.user = officer
    assert view(request, insee="91216").content == b"ok"
    with pytest.raises(PermissionDenied):
        view(request, insee="91345")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert view(request, insee="91216")["Location"] == "/connexion/?next=%2Fx%2F"


def test_one_dossier_by_id_follows_the_same_rule_as_the_list(communes):
    """permits.access.visible_dossier (the row checked in Python) and visible_dossiers (the
    SQL filter) must agree for every kind of person and dossier."""
    from django.http import Http404

    from permits.access import visible_dossier, visible_dossiers
    from tests.factories import DossierFactory

    first, second, _ = communes
    depositor = UserFactory()
    people = [
        depositor,
        UserFactory(),
        member(Role.GUICHET, commune=first),
        member(Role.GUICHET, commune=second),
        member(Role.CONSULTEE, commune=first),
        member(Role.OFFICER, service=InstructionServiceFactory(communes=[first])),
        member(Role.SIGNATORY, commune=first, valid_until=TODAY - datetime.timedelta(days=1)),
    ]
    filed = {"filed_at": datetime.datetime.now(datetime.UTC)}
    dossiers = [DossierFactory(commune=first, depositor=depositor)] + [
        DossierFactory(commune=first, depositor=depositor, state=state, number=number, **filed)
        for state, number in (("deposited", "PC09122926A0001"), ("notified", "PC09122926A0002"))
    ]
    seen = 0
    for person in people:
        listed = set(visible_dossiers(person).values_list("pk", flat=True))
        for dossier in dossiers:
            try:
                visible_dossier(person, dossier.pk)
                alone = True
            except Http404:
                alone = False
            assert alone == (dossier.pk in listed), (person, dossier.state)
            seen += alone
    assert seen == 3 + 2 + 2  # the depositor all three; the guichet and the officer two each
