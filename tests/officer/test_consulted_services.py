"""Consulted services as organisations (issue 8, point 2): the officer consults a registered
service, proposed from the constraints; its members answer in their own space, whatever the
commune, and see nothing addressed to another service."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import ConsultedService, Membership, Role
from permits.models import Dossier
from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team
from workflow.consultations import send_consultation
from workflow.models import Consultation, Opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def udap():
    return ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")


@pytest.fixture
def sdis():
    return ConsultedService.objects.create(name="SDIS 91", kind="other")


def member_of(service):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.CONSULTEE, consulted_service=service)
    return user


def test_the_instruction_page_proposes_the_services_the_constraints_call_for(client, team, udap,
                                                                             sdis):  # fmt: skip
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate())
    Dossier.objects.filter(pk=dossier.pk).update(
        parcel_check={"procedure": {"consultations": ["abf"]}}, flags=["ABORDS_MH"]
    )
    client.force_login(team.officer)
    html = client.get(f"/instruction/{dossier.pk}/").content.decode()
    udap_box = f'id="cs-service-{udap.pk}" name="services" value="{udap.pk}" checked'
    assert udap_box in html and "(ABF) — proposé d'après les contraintes" in html
    assert f'value="{sdis.pk}" >' in html  # offered, not ticked
    assert html.index(f"cs-service-{udap.pk}") < html.index(f"cs-service-{sdis.pk}")

    today = timezone.localdate()
    client.post(f"/instruction/{dossier.pk}/acte/consult/",
                {"services": [udap.pk, sdis.pk], "on": today.isoformat()})  # fmt: skip
    sent = {c.service_id: c for c in Consultation.objects.filter(dossier=dossier)}
    assert set(sent) == {udap.pk, sdis.pk}  # no extra consultation without a typed name
    assert sent[udap.pk].service_kind == "abf" and sent[udap.pk].service_name == udap.name
    # Around a monument the ABF answers within two months, the others within one (R423-59,
    # R423-67).
    assert sent[udap.pk].due_on > sent[sdis.pk].due_on


def test_members_of_a_service_answer_its_consultations_for_any_commune(client, team, udap,
                                                                       sdis):  # fmt: skip
    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    here = send_consultation(filed_dossier(team, "PCMI"), service=udap, sent_on=None)
    there = send_consultation(filed_dossier(elsewhere, "PCMI"), service=udap)
    not_ours = send_consultation(filed_dossier(team, "DP"), service=sdis)
    architect = member_of(udap)
    client.force_login(architect)
    page = client.get("/consultations/").content.decode()
    assert here.dossier.display_number in page and there.dossier.display_number in page
    assert not_ours.dossier.display_number not in page

    response = client.post(f"/consultations/{there.pk}/avis/",
                           {"opinion": "with_prescriptions", "text": "Avis motivé.",
                            "prescriptions": ["Tuiles plates.", ""]})  # fmt: skip
    assert response.status_code == 302
    there.refresh_from_db()
    assert there.opinion == Opinion.WITH_PRESCRIPTIONS and there.answered_by == architect
    assert there.prescriptions == ["Tuiles plates."]
    # Another service's consultation: not found, and left unanswered.
    assert client.post(f"/consultations/{not_ours.pk}/avis/",
                       {"opinion": "favourable"}).status_code == 404  # fmt: skip
    not_ours.refresh_from_db()
    assert not_ours.answered_on is None


def test_a_person_without_a_consultee_role_has_no_consultation_space(client, team):
    client.force_login(team.officer)
    assert client.get("/consultations/").status_code == 403
    client.force_login(team.consultee)  # the older form: a consultee of the commune
    assert client.get("/consultations/").status_code == 200


def test_only_a_consultee_belongs_to_a_consulted_service(udap, team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=team.officer, role=Role.OFFICER, consulted_service=udap)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=team.officer, role=Role.CONSULTEE,
                                  consulted_service=udap, commune=team.commune)  # fmt: skip


def test_the_menu_leads_each_agent_to_their_screens(client, team, udap):
    """The menu offers the consultations to a service's members (they hold no commune) and
    the statistics to the instructing officers; an applicant sees neither."""
    client.force_login(member_of(udap))
    html = client.get("/").content.decode()
    assert 'href="/consultations/"' in html and 'href="/statistiques/"' not in html
    client.force_login(team.officer)
    html = client.get("/").content.decode()
    assert 'href="/statistiques/"' in html and 'href="/consultations/"' not in html
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'href="/statistiques/"' not in html and 'href="/consultations/"' not in html
