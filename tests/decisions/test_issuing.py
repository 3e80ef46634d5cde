"""Issuing through the workflow: pending document, signing job, event, idempotency, /verifier."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from accounts.models import Membership
from permits.decisions.issuing import issue_decision, issue_letter, read_file, sign_pending
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.conftest import assert_pdfsig_valid, write_key
from tests.factories import filed_dossier, make_team
from workflow.clock import format_fr
from workflow.errors import NotAllowed
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(pki_dir, ca, documents_root):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    return team


def awaiting_signature(team, outcome="refusal", filed_on=None, **kwargs):
    # Filed recently: once the délai has run out, nothing can be signed (late_signature).
    filed_on = filed_on or timezone.localdate() - timedelta(days=10)
    d = fire(filed_dossier(team, on=filed_on), "declare_complete", actor=team.officer)
    d = fire(
        d,
        "propose_decision",
        actor=team.officer,
        outcome=outcome,
        grounds=["que la hauteur du projet excède celle fixée par l'article UH 10"],
        **kwargs,
    )
    return fire(d, "send_for_signature", actor=team.officer)


@pytest.fixture
def signed_decision(team):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    return sign_pending(document.pk)


def test_signing_a_decision_stores_the_file_fires_sign_and_records_the_hash(team):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    assert document.status == DocumentStatus.PENDING
    # The job is enqueued in the same transaction as the pending document.
    job = ProcrastinateJob.objects.get(
        task_name__endswith="sign_document_job", args__document_id=document.pk
    )
    assert job.args == {"document_id": document.pk}

    document = sign_pending(document.pk)
    dossier.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    assert dossier.state == State.SIGNED
    event = Event.objects.filter(dossier=dossier).order_by("-sequence").first()
    assert event.kind == "sign"
    assert event.payload["sha256"] == document.sha256
    assert event.payload["document"] == document.reference
    data = read_file(document)
    import hashlib

    assert hashlib.sha256(data).hexdigest() == document.sha256


def test_issuing_twice_gives_one_decision_and_signing_twice_one_file(team, documents_root):
    dossier = awaiting_signature(team)
    first = issue_decision(dossier, team.mayor)
    assert issue_decision(dossier, team.mayor).pk == first.pk
    signed = sign_pending(first.pk)
    again = sign_pending(first.pk)
    assert again.sha256 == signed.sha256
    assert IssuedDocument.objects.filter(dossier=dossier, kind=DocumentKind.DECISION).count() == 1
    assert Event.objects.filter(dossier=dossier, kind="sign").count() == 1
    assert len(list(documents_root.rglob("*.pdf"))) == 1


def test_a_failed_event_leaves_no_signed_file(team, documents_root):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    # The mayor's mandate ends before the job runs: the `sign` transition refuses the role
    # once the file is signed, and the file goes with the failed transaction.
    Membership.objects.filter(user=team.mayor).update(
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(NotAllowed):
        sign_pending(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert list(documents_root.rglob("*.pdf")) == []


def test_a_job_whose_dossier_moved_on_stops_without_a_file(team, documents_root):
    dossier = awaiting_signature(team)
    document = issue_decision(dossier, team.mayor)
    # The dossier moves on before the job runs: nothing left to sign (late_signature).
    fire(dossier, "return_for_changes", actor=team.mayor, comment="Revoir les motifs")
    assert sign_pending(document.pk).status == DocumentStatus.ABANDONED
    assert list(documents_root.rglob("*.pdf")) == []


def test_only_a_signatory_of_the_commune_may_sign(team):
    dossier = awaiting_signature(team)
    with pytest.raises(NotAllowed):
        issue_decision(dossier, team.officer)


def test_a_receipt_is_issued_once_with_its_own_event(team):
    dossier = filed_dossier(team, on=date(2026, 3, 2))
    document = sign_pending(issue_letter(dossier, team.mayor, DocumentKind.RECEPISSE).pk)
    assert issue_letter(dossier, team.mayor, DocumentKind.RECEPISSE).pk == document.pk
    assert Event.objects.filter(dossier=dossier, kind="document_signed").count() == 1
    assert document.signature_level == "B-B"


# --- /verifier ----------------------------------------------------------------------------------


def upload(client, data: bytes, query: str = ""):
    url = reverse("decisions:verify") + query
    return client.post(url, {"document": _file(data)})


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("arrete.pdf", data, content_type="application/pdf")


def test_verifier_recognises_the_issued_file(client, signed_decision, tmp_path):
    data = read_file(signed_decision)
    path = tmp_path / "issued.pdf"
    path.write_bytes(data)
    assert_pdfsig_valid(path)
    response = upload(client, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Document valide" in html
    assert signed_decision.reference in html
    assert "Jean DURAND" in html


def test_verifier_rejects_a_file_with_one_byte_changed(client, signed_decision):
    data = bytearray(read_file(signed_decision))
    index = data.index(b"/Type /Page") if b"/Type /Page" in data else len(data) // 3
    data[index + 1] ^= 0x01  # inside the signed range
    html = upload(client, bytes(data)).content.decode()
    assert "Document non valide" in html


def test_verifier_rejects_an_appended_incremental_update(client, signed_decision):
    writer = IncrementalPdfFileWriter(BytesIO(read_file(signed_decision)), strict=False)
    # A harmless-looking change (page labels) in a new revision after the signature.
    writer.root["/PageLabels"] = _labels()
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    html = upload(client, out.getvalue()).content.decode()
    assert "Document non valide" in html
    assert "ne couvre pas la totalité du fichier" in html


def _labels():
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject({generic.NameObject("/Nums"): generic.ArrayObject()})


def test_verifier_rejects_a_truncated_signed_range(client, signed_decision):
    data = read_file(signed_decision)
    html = upload(client, data[: len(data) - 200]).content.decode()
    assert "Document non valide" in html


def test_verifier_refuses_what_is_not_a_pdf(client, pki_dir):
    response = upload(client, b"GIF89a not a pdf")
    assert response.status_code == 400
    assert "pas un document PDF" in response.content.decode()


def test_the_qr_link_shows_the_register_entry(client, signed_decision):
    signed_decision.refresh_from_db()
    query = f"?dossier={signed_decision.dossier.number}&empreinte={signed_decision.content_sha256}"
    html = client.get(reverse("decisions:verify") + query).content.decode()
    assert "figure au registre de la commune" in html
    assert signed_decision.sha256 in html
    wrong = query[:-4] + "0000"
    html = client.get(reverse("decisions:verify") + wrong).content.decode()
    assert "Aucun document de la commune ne correspond" in html
    # The document carries that same hash (in the QR code's link, and in its metadata).
    info = _info(read_file(signed_decision))
    assert info["/permiscontentsha256"] == signed_decision.content_sha256
    assert info["/permisdossier"] == signed_decision.content["dossier_number"]


def _info(data: bytes) -> dict:
    from pyhanko.pdf_utils.reader import PdfFileReader

    info = PdfFileReader(BytesIO(data), strict=False).trailer["/Info"]
    return {key: str(value) for key, value in info.items()}


def test_the_verifier_page_is_public_french_and_protected_by_csrf(pki_dir):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("decisions:verify"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="fr"' in html and "Déposer un document" in html
    refused = client.post(reverse("decisions:verify"), {"document": _file(b"%PDF-1.7")})
    assert refused.status_code == 403


def test_the_signed_arrete_cites_the_plu_zone_and_the_opinions_the_dossier_knows(team, tmp_path):
    """Issue 16: every signed act said "RNU" because issue_decision passed no facts."""
    from permits.models import Dossier
    from tests.decisions.conftest import run
    from workflow.models import Consultation

    dossier = awaiting_signature(team)
    zone = {
        "libelle": "N",
        "typezone": "N",
        "idurba": "91216_PLU_20171013",
        "approved_on": "2017-10-13",
    }
    Dossier.objects.filter(pk=dossier.pk).update(parcel_check={"zones": [zone]})
    Consultation.objects.create(
        dossier=dossier,
        service_kind="abf",
        service_name="UDAP 91",
        sent_on=dossier.filed_on + timedelta(days=1),
        due_on=dossier.filed_on + timedelta(days=60),
        due_basis="R423-67",
        answered_on=dossier.filed_on + timedelta(days=5),
        opinion="favourable",
    )
    document = sign_pending(issue_decision(Dossier.objects.get(pk=dossier.pk), team.mayor).pk)
    path = tmp_path / "arrete.pdf"
    path.write_bytes(read_file(document))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Vu le plan local d'urbanisme approuvé le 13 octobre 2017" in text
    assert "règlement de la zone N" in text
    assert "règlement national d'urbanisme" not in text
    answered = format_fr(dossier.filed_on + timedelta(days=5))
    assert f"Vu l'avis favorable de l'architecte des Bâtiments de France du {answered}" in text
