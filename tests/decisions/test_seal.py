"""Who signs what (issue 16 §5): a letter issued by an officer's act is sealed with the commune's
organisation seal and names its author; a decision is signed by the mayor. Each file is checked
by pyHanko (/verifier's check_pdf) and, independently, by poppler's pdfsig."""

import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from permits.decisions import conf
from permits.decisions.issuing import issue_decision, issue_letter, read_file, sign_pending
from permits.decisions.verification import check_pdf
from permits.models.documents import DocumentKind, IssuedDocument
from permits.receipts import issue_receipt
from tests.decisions.conftest import PASSPHRASE, assert_pdfsig_valid, pdfsig, run, write_key
from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team
from workflow.errors import NotAllowed
from workflow.models import Event
from workflow.transitions import fire

pytestmark = pytest.mark.django_db

SEAL = "Commune d'Épinay-sur-Orge"


@pytest.fixture
def team(pki_dir, ca, documents_root):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    Membership.objects.filter(user=team.officer).update(title="Instructrice")
    return team


def signed(document) -> tuple[IssuedDocument, str, str]:
    """Runs the signing job; returns the document, pdfsig's report and the PDF's text."""
    document = sign_pending(document.pk)
    path = conf.documents_root() / document.storage_path
    assert_pdfsig_valid(path)  # poppler: valid and covering the whole file
    text = " ".join(run("pdftotext", str(path), "-").split())
    return document, pdfsig(path), text


def signer_common_name(pdfsig_out: str) -> str:
    return re.search(r"Signer Certificate Common Name: (.*)", pdfsig_out).group(1).strip()


def assert_sealed_by_the_commune(document, pdfsig_out):
    report = check_pdf(read_file(document))  # pyHanko
    assert report.valid, report.problems
    assert report.sealed
    assert report.signer_organisation == SEAL
    assert signer_common_name(pdfsig_out) == SEAL
    assert document.signature_level == "B-B"


def test_a_pieces_request_is_sealed_by_the_commune_and_names_the_officer(client, team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    client.force_login(team.officer)
    client.post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["PCMI2"], "on": timezone.localdate()},
    )
    letter = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.PIECES_REQUEST)
    assert letter.signatory == team.officer  # the author, not the mayor
    document, out, text = signed(letter)
    assert_sealed_by_the_commune(document, out)
    event = Event.objects.get(dossier=d, kind="document_signed", payload__document=letter.reference)
    assert event.payload["signed_with"] == "commune_seal"
    assert event.actor_id == team.officer.pk
    # CRPA L212-1, L212-2: first name, surname, capacity and service, legibly.
    assert f"Pour le Maire, Nora BENALI, Instructrice, {team.service.name}" in text
    assert "Cachet électronique « Commune d" in text  # pdftotext may break the name
    assert "Jean DURAND" not in text  # the mayor did not act: neither named nor signing
    assert "Signé électroniquement par" not in text
    assert (
        document.signatory_label
        == f"Cachet de la commune ({SEAL}) – auteur : Nora BENALI, Instructrice"
    )
    # The QR code's link: the register says it is the commune's seal, and who the author is.
    page = client.get(
        reverse("decisions:verify"),
        {"dossier": d.number, "empreinte": document.content_sha256},
    ).content.decode()
    assert "Cachet de la commune" in page and "Nora BENALI, Instructrice" in page
    assert "Signé par" not in page
    upload = SimpleUploadedFile("lettre.pdf", read_file(document), content_type="application/pdf")
    page = client.post(reverse("decisions:verify"), {"document": upload}).content.decode()
    assert "le cachet électronique de la commune est valide" in " ".join(page.split())
    assert document.reference in page


def test_a_majoration_is_sealed_and_a_decision_is_signed_by_the_mayor(client, team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    client.force_login(team.officer)
    client.post(
        f"/instruction/{d.pk}/acte/notify_majoration/",
        {"state": "deposited", "reason": "R423_24_C_SPR_ABORDS_MH", "on": timezone.localdate()},
    )
    majoration = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.MAJORATION)
    document, out, text = signed(majoration)
    assert_sealed_by_the_commune(document, out)
    assert "Nora BENALI" in text

    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    decision, out, text = signed(issue_decision(d, team.mayor))
    report = check_pdf(read_file(decision))
    assert report.valid, report.problems
    assert not report.sealed
    assert (report.signer_name, report.signer_capacity) == ("Jean DURAND", "Maire")
    assert signer_common_name(out) == "Jean DURAND"
    assert "Signé électroniquement par Jean DURAND, Maire" in text
    assert "Cachet électronique" not in text
    assert Event.objects.get(dossier=d, kind="sign").payload["signed_with"] == "signatory"


def test_the_receipt_issued_at_filing_is_sealed_in_the_mayor_s_name(team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    receipt = IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.RECEPISSE).first()
    receipt = receipt or issue_receipt(d)
    document, out, text = signed(receipt)
    assert_sealed_by_the_commune(document, out)
    assert "Le Maire, Jean DURAND" in text


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        (
            DocumentKind.RETRAIT_NOTICE,
            {"grounds": ("Hauteur excessive",), "reply_until": timedelta(days=15)},
        ),
        (
            DocumentKind.CONFORMITY_NOTICE,
            {"non_conformities": ("Clôture plus haute que prévu",)},
        ),
    ],
)
def test_letters_after_the_decision_are_sealed_and_name_their_author(team, kind, kwargs):
    today = timezone.localdate()
    d = filed_dossier(team, "PCMI", on=today - timedelta(days=20))
    dates = {"decision_date": today - timedelta(days=5), "retrait_deadline": today + timedelta(60)}
    if kind == DocumentKind.RETRAIT_NOTICE:
        kwargs = {**kwargs, **dates, "reply_until": today + kwargs["reply_until"]}
    else:
        kwargs = {**kwargs, "daact_received": today, "contest_deadline": today + timedelta(90)}
    document, out, text = signed(issue_letter(d, team.officer, kind, **kwargs))
    assert_sealed_by_the_commune(document, out)
    assert "Nora BENALI" in text and "Jean DURAND" not in text


def test_an_arrete_de_retrait_is_signed_personally_never_sealed(team):
    today = timezone.localdate()
    d = filed_dossier(team, "PCMI", on=today - timedelta(days=20))
    kwargs = {
        "reason": "Hauteur excessive",
        "decision_date": today - timedelta(days=5),
        "retrait_deadline": today + timedelta(days=60),
        "letter_on": today - timedelta(days=1),
        "observations_received": False,
    }
    with pytest.raises(NotAllowed):  # an officer has no signature of their own to give
        issue_letter(d, team.officer, DocumentKind.RETRAIT, **kwargs)
    document, out, text = signed(issue_letter(d, team.mayor, DocumentKind.RETRAIT, **kwargs))
    report = check_pdf(read_file(document))
    assert report.valid and not report.sealed
    assert signer_common_name(out) == "Jean DURAND"
    assert "Cachet électronique" not in text


def test_someone_outside_the_dossier_s_commune_cannot_author_a_letter(team):
    d = filed_dossier(team, "PCMI", on=timezone.localdate())
    stranger = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    with pytest.raises(NotAllowed):
        issue_letter(d, stranger.officer, DocumentKind.PIECES_REQUEST, missing_pieces=("PCMI2",))
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.PIECES_REQUEST).exists()


def test_the_dev_pki_command_creates_the_commune_s_seal_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMIS_PKI_DIR", str(tmp_path / "pki"))
    monkeypatch.setenv("PERMIS_PKI_PASSPHRASE", PASSPHRASE)
    commune = CommuneFactory()
    mayor = UserFactory(username="maire-seal")
    Membership.objects.create(user=mayor, role=Role.SIGNATORY, commune=commune, title="Maire")
    call_command("create_dev_pki")
    path = tmp_path / "pki" / "seals" / "cachet-91216.p12"
    data = path.read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)  # never stored in clear
    _key, cert, _chain = pkcs12.load_key_and_certificates(data, PASSPHRASE.encode())
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == SEAL
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    assert not subject.get_attributes_for_oid(NameOID.SURNAME)  # a legal person, not a person
    call_command("create_dev_pki")
    assert path.read_bytes() == data
