"""The officer's worklist and instruction page, the signatory's parapheur (issue 8)."""

import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.reauth import SESSION_KEY
from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from tests.factories import CommuneFactory, filed_dossier, make_team
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def officer_client(client, team):
    client.force_login(team.officer)
    return client


def test_the_worklist_lists_the_service_s_dossiers_most_urgent_first(client, team):
    today = timezone.localdate()
    late = filed_dossier(team, "DP", on=today - timedelta(days=25))  # month ends in ~6 days
    recent = filed_dossier(team, "PCMI", on=today - timedelta(days=2))
    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    hidden = filed_dossier(elsewhere, "PC")
    html = officer_client(client, team).get("/instruction/").content.decode()
    assert late.display_number in html and recent.display_number in html
    assert hidden.display_number not in html
    assert html.index(late.display_number) < html.index(recent.display_number)
    assert "Déposé : <strong>2</strong>" in html


def test_filters_csv_and_bulk_assignment(client, team):
    dp = filed_dossier(team, "DP")
    pc = filed_dossier(team, "PCMI")
    officer_client(client, team)
    html = client.get("/instruction/", {"type": "DP"}).content.decode()
    assert dp.display_number in html and pc.display_number not in html
    csv = client.get("/instruction/", {"format": "csv"}).content.decode()
    assert csv.splitlines()[0].startswith("numero;procedure;commune")
    assert dp.display_number in csv and pc.display_number in csv
    client.post("/instruction/attribuer/", {"dossier": [dp.pk, pc.pk],
                                            "officer": team.officer.pk})  # fmt: skip
    assert set(Dossier.objects.values_list("assignee", flat=True)) == {team.officer.pk}
    mine = client.get("/instruction/", {"assignee": "me"}).content.decode()
    assert dp.display_number in mine


def test_an_officer_cannot_assign_to_someone_outside_the_service(client, team):
    dp = filed_dossier(team, "DP")
    response = officer_client(client, team).post(
        "/instruction/attribuer/", {"dossier": [dp.pk], "officer": team.applicant.pk}
    )
    assert response.status_code == 404
    assert Dossier.objects.get(pk=dp.pk).assignee is None


def test_requesting_pieces_from_the_page_issues_the_letter(client, team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    r = officer_client(client, team).post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["PCMI2", "PCMI4"], "on": timezone.localdate()},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == State.INCOMPLETE and d.pieces_requested == ["PCMI2", "PCMI4"]
    letter = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.PIECES_REQUEST)
    assert "PCMI2 – Plan de masse des constructions (R431-9)" in str(letter.content)


def test_a_refused_act_shows_the_reason_and_changes_nothing(client, team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    officer_client(client, team)
    r = client.post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["PCMI2"], "on": "2026-03-01"},
        follow=True,
    )
    assert "R423-41" in r.content.decode()
    assert Dossier.objects.get(pk=d.pk).state == State.DEPOSITED


def test_instruction_from_complete_to_signature(client, team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    officer_client(client, team)
    base = f"/instruction/{d.pk}/acte"
    client.post(f"{base}/consult/", {"kind": "abf", "service_name": "UDAP 91"})
    client.post(f"{base}/declare_complete/", {"state": "deposited"})
    client.post(
        f"{base}/propose_decision/",
        {
            "state": "under_instruction",
            "outcome": "grant_with_prescriptions",
            "grounds": "Considérant l'avis de l'ABF",
            "prescriptions": "Tuiles plates\nBois peint",
        },
    )
    client.post(f"{base}/send_for_signature/", {"state": "decision_proposed"})
    d.refresh_from_db()
    assert d.state == State.AWAITING_SIGNATURE
    assert d.decision_prescriptions == ["Tuiles plates", "Bois peint"]
    assert d.consultations.get().service_name == "UDAP 91"
    page = client.get(f"/instruction/{d.pk}/").content.decode()
    assert "Accord avec prescriptions" in page and "UDAP 91" in page


def awaiting_signature(team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    return fire(d, "send_for_signature", actor=team.officer)


def test_the_preview_keeps_the_acts_own_style_and_runs_nothing(client, team):
    """The site's policy refused the act's inline style: the mayor saw it unstyled."""
    d = awaiting_signature(team)
    client.force_login(team.mayor)
    response = client.get(f"/parapheur/{d.pk}/apercu/")
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "<style>" in response.content.decode()


def test_the_parapheur_asks_a_fresh_authentication_before_signing(client, team):
    d = awaiting_signature(team)
    client.force_login(team.mayor)
    page = client.get("/parapheur/").content.decode()
    assert d.display_number in page
    assert client.get(f"/parapheur/{d.pk}/apercu/").status_code == 200
    r = client.post(f"/parapheur/{d.pk}/signer/")
    assert r.status_code == 302 and r["Location"].startswith("/connexion/confirmer/")
    assert not IssuedDocument.objects.filter(kind=DocumentKind.DECISION).exists()
    session = client.session
    session[SESSION_KEY] = int(time.time())
    session.save()
    client.post(f"/parapheur/{d.pk}/signer/")
    assert IssuedDocument.objects.get(dossier=d, kind=DocumentKind.DECISION).signatory == team.mayor


def test_the_officer_cannot_sign_and_the_mayor_can_send_back(client, team):
    d = awaiting_signature(team)
    officer_client(client, team)
    assert client.get("/parapheur/").status_code == 403
    client.force_login(team.mayor)
    client.post(f"/parapheur/{d.pk}/renvoyer/", {"comment": "Ajouter la prescription ABF"})
    assert Dossier.objects.get(pk=d.pk).state == State.DECISION_PROPOSED


def test_the_parapheur_warns_when_notification_would_come_too_late(client, team):
    d = filed_dossier(team, "DP", on=timezone.localdate() - timedelta(days=29))
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="non_opposition")
    d = fire(d, "send_for_signature", actor=team.officer)
    client.force_login(team.mayor)
    assert "risque d&#x27;arriver après" in client.get("/parapheur/").content.decode()


def test_electronic_notification_is_deemed_received_the_next_day(
    client, team, django_capture_on_commit_callbacks
):
    d = awaiting_signature(team)
    Dossier.objects.filter(pk=d.pk).update(electronic_notification_consent=True)
    d = fire(Dossier.objects.get(pk=d.pk), "sign", actor=team.mayor)
    officer_client(client, team)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/instruction/{d.pk}/acte/notify_electronically/", {"state": "signed"})
    d.refresh_from_db()
    assert d.state == State.NOTIFIED
    assert d.decision_notified_on == timezone.localdate() + timedelta(days=1)
    assert "réputée reçue" in mail.outbox[0].body
    client.post(
        f"/instruction/{d.pk}/acte/record_prefet_ack/",
        {"state": "notified", "on": timezone.localdate().isoformat()},
    )
    d.refresh_from_db()
    assert d.state == State.EXECUTORY and d.executory_on == d.decision_notified_on


def test_the_consulted_service_answers_in_its_own_space(client, team):
    from workflow.clock.rules import ServiceKind
    from workflow.consultations import send_consultation

    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    consultation = send_consultation(d, kind=ServiceKind.OTHER, service_name="SDIS 91",
                                     actor=team.officer)  # fmt: skip
    client.force_login(team.consultee)
    page = client.get("/consultations/").content.decode()
    assert d.display_number in page and "SDIS 91" in page
    r = client.post(f"/consultations/{consultation.pk}/avis/", {"opinion": "unfavourable"},
                    follow=True)  # fmt: skip
    assert "Motivez" in r.content.decode()
    client.post(f"/consultations/{consultation.pk}/avis/",
                {"opinion": "with_prescriptions", "text": "Défense incendie insuffisante.",
                 "prescriptions": ["Poteau incendie à 150 m."]})  # fmt: skip
    consultation.refresh_from_db()
    assert consultation.prescriptions == ["Poteau incendie à 150 m."]
    assert (
        consultation.opinion == "with_prescriptions" and consultation.answered_by == team.consultee
    )
    assert "opinion_received" in d.events.values_list("kind", flat=True)


def test_public_registers_and_open_data(client, team):
    d = filed_dossier(team, "DP")
    page = client.get("/registres/").content.decode()
    assert d.display_number in page
    data = client.get("/registres/", {"format": "json"}).json()
    assert data["depots"][0]["number"] == d.display_number
    assert "Martin" not in str(data)  # no natural person's name in open data
    csv = client.get("/registres/", {"format": "csv-depots"}).content.decode()
    assert csv.startswith("number;procedure;commune")


def test_statistics_for_agents(client, team):
    filed_dossier(team, "DP")
    officer_client(client, team)
    page = client.get("/statistiques/").content.decode()
    assert "Dossiers par état" in page and "Déposé" in page
    client.force_login(team.applicant)
    assert client.get("/statistiques/").status_code == 403


def test_a_dp_goes_tacit_through_the_timers_and_gets_its_certificate(client, team):
    from workflow.timers import sweep

    d = filed_dossier(team, "DP", on=date(2026, 1, 21))
    sweep(date(2026, 2, 22))  # §3.17: DP filed 21 Jan, tacit non-opposition on 22 Feb
    d.refresh_from_db()
    assert d.state == State.EXECUTORY and d.tacit_on == date(2026, 2, 22)
    officer_client(client, team)
    page = client.get(f"/instruction/{d.pk}/").content.decode()
    assert "certificat de décision tacite" in page
    client.post(f"/instruction/{d.pk}/acte/tacit_certificate/")
    certificate = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.TACIT_CERTIFICATE)
    assert "22 février 2026" in str(certificate.content)


def test_no_certificate_without_a_tacit_decision(client, team):
    d = filed_dossier(team, "DP")
    officer_client(client, team)
    r = client.post(f"/instruction/{d.pk}/acte/tacit_certificate/", follow=True)
    assert "Aucune décision tacite" in r.content.decode()
    assert not IssuedDocument.objects.filter(kind=DocumentKind.TACIT_CERTIFICATE).exists()
