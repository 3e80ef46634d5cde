"""What PLAT'AU may send wrong (issue 18, negative tests): an opinion on a consultation we never
sent, a document whose SHA-512 differs, a second opinion on the same consultation, the same
notification read twice, an expired token. Each is refused or handled, the dossier changed
at most once, and each exchange kept."""

import base64

import pytest
from django.utils import timezone

from accounts.models import ConsultedService
from permits.models import PlatauAccount, PlatauExchange
from permits.platau.client import PlatauClient
from permits.platau.connector import Platau, receive_all
from permits.platau.messages import read_opinion_text
from tests.factories import filed_dossier, make_team
from tests.journey.test_applicant_journey import pdf_bytes
from workflow.consultations import send_consultation
from workflow.models import Opinion, OpinionDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulted(hub):
    """An ABF consultation sent through the hub; returns it with its PLAT'AU id."""
    team = make_team()
    account = PlatauAccount.objects.create(commune=team.commune, actor_id="ACT-CI-91216")
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate())
    consultation = send_consultation(dossier, service=udap)
    Platau(account).consultation_sent(consultation)
    (remote_id,) = hub.state()["consultations"]
    return consultation, remote_id


def opinion(hub, remote_id, **extra):
    body = {"nature": 3, "text": "Volumétrie incompatible avec les abords.", **extra}
    hub.control(f"consultations/{remote_id}/avis", body)


def test_an_opinion_on_an_unknown_consultation_changes_nothing(hub, consulted):
    consultation, _ = consulted
    hub.control("notify", {"kind": 30, "label": "Avis rendu sur une consultation",
                           "ids": {"idConsultation": "CON-99999", "idAvis": "AVI-1"}})  # fmt: skip
    receive_all()
    exchange = PlatauExchange.objects.get(outgoing=False)
    assert exchange.status == "rejected" and "inconnue" in exchange.error
    assert exchange.dossier is None
    consultation.refresh_from_db()
    assert consultation.answered_on is None
    assert not consultation.dossier.events.filter(kind="opinion_received").exists()


def test_a_document_with_a_wrong_hash_is_refused_and_the_opinion_not_recorded(hub, consulted):
    consultation, remote_id = consulted
    document = {"name": "note.pdf", "base64": base64.b64encode(pdf_bytes()).decode(),
                "corrupt_after_hash": True}  # fmt: skip
    opinion(hub, remote_id, documents=[document])
    receive_all()
    exchange = PlatauExchange.objects.get(message="opinion")
    assert exchange.status == "rejected" and "SHA-512" in exchange.error
    consultation.refresh_from_db()
    assert consultation.answered_on is None and not OpinionDocument.objects.exists()


def test_a_second_opinion_and_a_repeated_notification_change_the_dossier_once(hub, consulted):
    consultation, remote_id = consulted
    opinion(hub, remote_id)
    opinion(hub, remote_id, nature=1, text="Finalement favorable.")
    receive_all()
    consultation.refresh_from_db()
    assert consultation.opinion == Opinion.UNFAVOURABLE
    statuses = list(PlatauExchange.objects.filter(message="opinion").order_by("pk")
                    .values_list("status", flat=True))  # fmt: skip
    assert statuses == ["applied", "rejected"]
    # The hub sends the notifications again (cursor lost): each is recognised and skipped.
    PlatauAccount.objects.update(notification_cursor=0)
    assert receive_all() == 0
    assert consultation.dossier.events.filter(kind="opinion_received").count() == 1


def test_an_expired_token_is_renewed_and_the_opinion_applied_once(hub, consulted):
    consultation, remote_id = consulted
    platau = Platau(PlatauAccount.objects.get())  # a worker's connector, its token in hand
    platau.client.token()
    opinion(hub, remote_id)
    hub.control("expire-tokens")
    before = len([e for e in hub.journal() if e["path"] == "/api/oauth/token"])
    assert len(platau.receive()) == 1
    tokens = [e for e in hub.journal() if e["path"] == "/api/oauth/token"]
    assert len(tokens) == before + 1  # renewed once, after the 401
    assert [e["status"] for e in hub.calls("notifications")] == [401, 200]
    consultation.refresh_from_db()
    assert consultation.opinion == Opinion.UNFAVOURABLE
    assert consultation.dossier.events.filter(kind="opinion_received").count() == 1


@pytest.mark.usefixtures("consulted")
def test_a_call_the_hub_finds_malformed_is_refused_with_its_reason(hub):
    client = PlatauClient("ACT-CI-91216")
    answer = client.call("POST", "consultations", json={"idDossier": "DOS-00001",
                                                        "consultations": [{}]})  # fmt: skip
    assert answer.status == 400 and "dtConsultation" in answer.body["erreurs"][0]["message"]
    assert client.call("POST", "avis", json=[{"idDossier": "x"}]).status == 400


def test_prescriptions_are_read_from_the_opinion_text():
    text, items = read_opinion_text(
        "Avis favorable.\nPrescriptions :\n- Tuiles plates.\n\n• Enduit."
    )
    assert text == "Avis favorable." and items == ["Tuiles plates.", "Enduit."]
    assert read_opinion_text("Sans réserve.") == ("Sans réserve.", [])


def test_a_429_is_waited_out_then_the_notifications_read(hub, consulted):
    consultation, remote_id = consulted
    opinion(hub, remote_id)
    hub.control("fail", {"path": "notifications", "status": 429, "times": 1})
    assert receive_all() == 1
    assert [e["status"] for e in hub.calls("notifications")] == [429, 200]
    consultation.refresh_from_db()
    assert consultation.opinion == Opinion.UNFAVOURABLE


def test_an_unreachable_hub_is_a_failure_to_send_again_and_nothing_half_done(hub, settings):
    team = make_team()
    account = PlatauAccount.objects.create(commune=team.commune, actor_id="ACT-CI-91216")
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    consultation = send_consultation(filed_dossier(team, "PCMI"), service=udap)
    hub.control("fail", {"path": "dossiers", "status": 503, "times": 10})
    Platau(account).consultation_sent(consultation)
    statuses = dict(PlatauExchange.objects.values_list("message", "status"))
    assert statuses == {"deposit": "failed", "consultation": "failed"}
    consultation_exchange = PlatauExchange.objects.get(message="consultation")
    assert "pas encore déposé" in consultation_exchange.error
    assert hub.state()["consultations"] == {}  # nothing sent without its dossier


def test_a_document_the_hub_cannot_serve_is_read_again_at_the_next_run(hub, consulted):
    consultation, remote_id = consulted
    document = {"name": "note.pdf", "base64": base64.b64encode(pdf_bytes()).decode()}
    opinion(hub, remote_id, documents=[document])
    hub.control("fail", {"path": "consultations/recherche", "status": 503, "times": 3})
    assert receive_all() == 0  # logged; nothing recorded, the cursor kept
    consultation.refresh_from_db()
    assert (
        consultation.answered_on is None
        and not PlatauExchange.objects.filter(outgoing=False).exists()
    )
    assert receive_all() == 1
    consultation.refresh_from_db()
    assert consultation.opinion == Opinion.UNFAVOURABLE and consultation.documents.count() == 1
