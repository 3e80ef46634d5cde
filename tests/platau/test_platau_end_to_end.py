"""The commune and the State through the local PLAT'AU-shaped service (issue 18, §2–3): the
dossier and its piece deposited, the ABF and the SDIS consulted with the clock's délais, a 503
retried, a failure sent again by the officer, the ABF's prise en compte then its accord with
prescriptions and a document (SHA-512 checked), the SDIS silent and its opinion tacit at its
date, the signed act transmitted to legality control and its acknowledgement recorded."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ConsultedService
from permits.decisions.issuing import issue_decision, read_file, sign_pending
from permits.models import Dossier, PlatauAccount, PlatauExchange
from permits.pieces.store import add_piece
from tests.decisions.conftest import write_key
from tests.factories import filed_dossier, make_team
from tests.journey.test_applicant_journey import pdf_bytes
from workflow.models import Consultation, Opinion
from workflow.states import State
from workflow.timers import sweep
from workflow.transitions import fire

pytestmark = pytest.mark.django_db

PRESCRIPTIONS = ["Tuiles plates de teinte brune.", "Enduit à la chaux, finition talochée."]


@pytest.fixture
def commune_on_platau(pki_dir, ca, documents_root):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    PlatauAccount.objects.create(commune=team.commune, actor_id="ACT-CI-91216")
    today = timezone.localdate()
    dossier = filed_dossier(team, "PCMI", on=today, flags=["ABF_ACCORD_REQUIRED"],
                            description="Extension d'une maison de ville.")  # fmt: skip
    dossier = fire(dossier, "declare_complete", actor=team.officer)
    piece = add_piece(dossier, "PCMI1", SimpleUploadedFile("plan.pdf", pdf_bytes()),
                      team.applicant)  # fmt: skip
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    sdis = ConsultedService.objects.create(name="SDIS 91", kind="other")
    return team, dossier, piece, udap, sdis


def test_a_dossier_through_platau_from_deposit_to_legality_control(client, hub, commune_on_platau):
    team, dossier, piece, udap, sdis = commune_on_platau
    today = timezone.localdate()
    client.force_login(team.officer)

    # The hub answers 503 once to the deposit: the client waits and sends again.
    hub.control("fail", {"path": "dossiers", "status": 503, "times": 1})
    client.post(f"/instruction/{dossier.pk}/acte/consult/",
                {"services": [udap.pk], "on": today.isoformat()})  # fmt: skip
    assert [c["status"] for c in hub.calls("dossiers")] == [503, 201]
    abf = Consultation.objects.get(dossier=dossier, service=udap)
    sent = {x.message: x for x in PlatauExchange.objects.filter(dossier=dossier)}
    assert {m: x.status for m, x in sent.items()} == {
        "deposit": "sent", "piece": "sent", "consultation": "sent"}  # fmt: skip
    state = hub.state()
    (remote_dossier,) = state["dossiers"].values()
    assert remote_dossier["noLocal"] == dossier.parsed_number.base.compact
    assert remote_dossier["nomTypeDossier"]["idNom"] == 4  # PC
    remote_piece = remote_dossier["pieces"][0]
    with piece.file.open("rb") as stored:
        assert remote_piece["documents"][0]["hash"] == hashlib.sha512(stored.read()).hexdigest()
    (remote_abf,) = state["consultations"].values()
    # The délai is the clock's: two months for the ABF's accord (R423-67), in calendar days.
    assert remote_abf["delaiDeReponse"] == (abf.due_on - abf.sent_on).days > 58
    assert remote_abf["nomTypeConsultation"]["libNom"] == "Avis conforme"
    assert remote_abf["idServiceConsulte"] == "ACT-UDAP-91"

    # The SDIS: the hub is down for every try; the officer sees the failure and sends again.
    hub.control("fail", {"path": "consultations", "status": 503, "times": 3})
    client.post(f"/instruction/{dossier.pk}/acte/consult/",
                {"services": [sdis.pk], "on": today.isoformat()})  # fmt: skip
    failed = PlatauExchange.objects.get(message="consultation", status="failed")
    page = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert "Échanges avec PLAT'AU" in page and f"/platau/{failed.pk}/renvoyer/" in page
    assert "après 3 tentatives" in page
    client.post(f"/instruction/{dossier.pk}/platau/{failed.pk}/renvoyer/")
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 2
    assert len(hub.state()["consultations"]) == 2
    sdis_consultation = Consultation.objects.get(dossier=dossier, service=sdis)
    id_abf, id_sdis = (
        next(k for k, v in hub.state()["consultations"].items() if v["idServiceConsulte"] == actor)
        for actor in ("ACT-UDAP-91", "ACT-SDIS-91")
    )
    # Sending the consultation again changes nothing: the message is idempotent.
    from permits.platau.connector import Platau, receive_all

    Platau(PlatauAccount.objects.get()).consultation_sent(abf)
    assert len(hub.state()["consultations"]) == 2

    # The ABF takes the consultation in charge, then gives its accord with prescriptions.
    hub.control(f"consultations/{id_abf}/pec")
    assert receive_all() == 1
    assert dossier.events.filter(kind="platau_pec").count() == 1
    sketch = pdf_bytes()
    attached = {"name": "croquis.pdf", "base64": base64.b64encode(sketch).decode()}
    hub.control(f"consultations/{id_abf}/avis", {
        "nature": 2, "type": 2, "text": "Projet compatible avec les abords.",
        "prescriptions": PRESCRIPTIONS, "documents": [attached]})  # fmt: skip
    assert receive_all() == 1
    abf.refresh_from_db()
    assert abf.opinion == Opinion.WITH_PRESCRIPTIONS and abf.prescriptions == PRESCRIPTIONS
    assert abf.text == "Projet compatible avec les abords." and abf.nature_label.startswith(
        "Accord"
    )
    document = abf.documents.get()
    assert document.sha512 == hashlib.sha512(sketch).hexdigest()
    assert receive_all() == 0  # nothing new: nothing applied twice

    # The SDIS stays silent: at its date the clock makes its opinion tacit (R423-59); the
    # hub's tacit opinion that follows is not recorded a second time.
    assert sweep(sdis_consultation.due_on).fired["tacit_opinion"] == 0
    sweep(sdis_consultation.due_on + timedelta(days=1))
    sdis_consultation.refresh_from_db()
    assert sdis_consultation.opinion == Opinion.TACIT_FAVOURABLE
    hub.control(f"consultations/{id_sdis}/avis", {"nature": 1, "tacit": True})
    receive_all()
    assert PlatauExchange.objects.filter(message="opinion", status="ignored").count() == 1
    assert dossier.events.filter(kind="opinion_tacit").count() == 1

    # The draft decision carries the ABF's prescriptions; signed, the act goes to the préfet.
    html = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert "\n".join(PRESCRIPTIONS) + "</textarea>" in html
    dossier = Dossier.objects.get(pk=dossier.pk)
    # An accord with prescriptions: the decision must impose them (L632-2 code du patrimoine).
    dossier = fire(dossier, "propose_decision", actor=team.officer,
                   outcome="grant_with_prescriptions", prescriptions=abf.prescriptions)  # fmt: skip
    dossier = fire(dossier, "send_for_signature", actor=team.officer)
    decision = sign_pending(issue_decision(dossier, team.mayor).pk)
    client.post(f"/instruction/{dossier.pk}/platau/acte/")
    act = PlatauExchange.objects.get(message="act")
    assert act.status == "sent"
    ((remote_act_id, remote_act),) = hub.state()["acts"].items()
    assert remote_act["documents"][0]["hash"] == hashlib.sha512(read_file(decision)).hexdigest()
    hub.control(f"actes/{remote_act_id}/accuse", {"on": today.isoformat()})
    receive_all()
    dossier.refresh_from_db()
    assert dossier.prefet_ack_on == today and dossier.state == State.TRANSMITTED_TO_PREFET
