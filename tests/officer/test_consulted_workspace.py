"""The consulted service's workspace (issue 18, §1): the whole dossier for the consultations
addressed to the member's service, and nothing else; the answer with its prescriptions as
items and its documents, read-only once given; the draft decision pre-filled with the
prescriptions of an avis conforme (R425-1)."""

import hashlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ConsultedService, Membership, Role
from permits.models import Dossier
from tests.factories import UserFactory, filed_dossier, make_team
from tests.journey.test_applicant_journey import pdf_bytes
from workflow.consultations import send_consultation
from workflow.models import Opinion, OpinionDocument

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


def add_piece(dossier, code, user):
    from permits.pieces.store import add_piece as store

    Dossier.objects.filter(pk=dossier.pk).update(state="under_instruction")
    dossier.refresh_from_db()
    return store(dossier, code, SimpleUploadedFile(f"{code}.pdf", PDF), user)


@pytest.fixture
def setting():
    team = make_team()
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    sdis = ConsultedService.objects.create(name="SDIS 91", kind="other")
    architect = UserFactory()
    Membership.objects.create(user=architect, role=Role.CONSULTEE, consulted_service=udap)
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate(), flags=["ABF_ACCORD_REQUIRED"])
    piece = add_piece(dossier, "PCMI1", team.applicant)
    abf = send_consultation(dossier, service=udap)
    other = send_consultation(dossier, service=sdis)
    return SimpleNamespace(team=team, architect=architect, dossier=dossier, piece=piece, abf=abf,
                           other=other)  # fmt: skip


def test_the_member_sees_the_whole_dossier_and_what_silence_means(client, setting):
    client.force_login(setting.architect)
    html = client.get(f"/consultations/{setting.abf.pk}/").content.decode()
    assert setting.dossier.display_number in html and "avis conforme" in html
    # R423-67: the ABF's accord around a monument, two months, silence an accord.
    assert (
        setting.abf.due_on.strftime("%Y") in html
        and "un accord tacite" in html
        and "R423-67" in html
    )
    assert "Accord avec prescriptions" in html and "Refus d&#x27;accord" in html
    assert f"/consultations/{setting.abf.pk}/pieces/{setting.piece.pk}/" in html
    assert "SDIS 91 : en attente" in html
    response = client.get(f"/consultations/{setting.abf.pk}/pieces/{setting.piece.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    download = client.get(
        f"/consultations/{setting.abf.pk}/pieces/{setting.piece.pk}/?telecharger=1"
    )
    assert download["Content-Disposition"].startswith("attachment")
    # Another service's consultation, and its pieces through it: not found.
    assert client.get(f"/consultations/{setting.other.pk}/").status_code == 404
    assert (
        client.get(f"/consultations/{setting.other.pk}/pieces/{setting.piece.pk}/").status_code
        == 404
    )
    # A setting.piece of another setting.dossier through this consultation: not found.
    elsewhere = filed_dossier(setting.team, "DP")
    foreign = add_piece(elsewhere, "DP1", setting.team.applicant)
    assert client.get(f"/consultations/{setting.abf.pk}/pieces/{foreign.pk}/").status_code == 404


def test_the_answer_keeps_each_prescription_and_its_document_then_is_read_only(client, setting):
    client.force_login(setting.architect)
    response = client.post(
        f"/consultations/{setting.abf.pk}/avis/",
        {"opinion": "with_prescriptions", "text": "Projet acceptable aux abords.",
         "prescriptions": ["Tuiles plates de teinte brune.", "  ", "Menuiseries en bois peint."],
         "documents": [SimpleUploadedFile("croquis.pdf", PDF, "application/pdf")]},
    )  # fmt: skip
    assert response.status_code == 302
    setting.abf.refresh_from_db()
    assert (
        setting.abf.opinion == Opinion.WITH_PRESCRIPTIONS
        and setting.abf.nature_label == "Accord avec prescriptions"
    )
    assert setting.abf.prescriptions == [
        "Tuiles plates de teinte brune.",
        "Menuiseries en bois peint.",
    ]
    document = setting.abf.documents.get()
    assert (
        document.sha512 == hashlib.sha512(PDF).hexdigest()
        and document.original_name == "croquis.pdf"
    )
    html = client.get(f"/consultations/{setting.abf.pk}/").content.decode()
    assert "ne peut plus être modifié" in html and 'name="opinion"' not in html
    # A second answer is refused and changes nothing.
    client.post(f"/consultations/{setting.abf.pk}/avis/", {"opinion": "favourable"})
    setting.abf.refresh_from_db()
    assert setting.abf.opinion == Opinion.WITH_PRESCRIPTIONS and setting.abf.documents.count() == 1
    # The officer's draft decision holds both prescriptions, and the document is theirs to read.
    client.force_login(setting.team.officer)
    html = client.get(f"/instruction/{setting.dossier.pk}/").content.decode()
    assert "Tuiles plates de teinte brune.\nMenuiseries en bois peint.</textarea>" in html
    got = client.get(f"/instruction/{setting.dossier.pk}/avis/{document.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF


def test_a_refused_document_loses_nothing_and_saves_nothing(client, setting):
    client.force_login(setting.architect)
    response = client.post(
        f"/consultations/{setting.abf.pk}/avis/",
        {"opinion": "unfavourable", "text": "Volumétrie inadaptée.",
         "documents": [SimpleUploadedFile("note.exe", b"MZ\x90\x00", "application/pdf")]},
        follow=True,
    )  # fmt: skip
    assert "ni un PDF" in response.content.decode()
    setting.abf.refresh_from_db()
    assert setting.abf.answered_on is None and not OpinionDocument.objects.exists()


def test_after_the_deadline_the_answer_is_refused(client, setting):
    type(setting.abf).objects.filter(pk=setting.abf.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(setting.architect)
    response = client.post(
        f"/consultations/{setting.abf.pk}/avis/", {"opinion": "favourable"}, follow=True
    )
    assert "R423-59" in response.content.decode()
    setting.abf.refresh_from_db()
    assert setting.abf.answered_on is None


def test_the_account_page_names_the_consulted_service(client, setting):
    setting.architect = setting.architect
    client.force_login(setting.architect)
    html = client.get("/compte/").content.decode()
    assert "UDAP de l&#x27;Essonne (ABF)" in html and "None" not in html
