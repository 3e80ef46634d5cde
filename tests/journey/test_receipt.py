"""Filing issues the receipt in the same transaction; the signing job signs it; the applicant
downloads it from the dossier page (R423-3 to R423-5)."""

import pytest

from accounts.models import Membership, Role
from permits.decisions.issuing import sign_pending
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.conftest import assert_pdfsig_valid
from tests.factories import UserFactory, filed_dossier, make_team

pytestmark = pytest.mark.django_db


def test_filing_issues_a_signed_receipt_the_applicant_downloads(
    client, pki_dir, documents_root, tmp_path
):
    team = make_team()
    team.mayor.username = "maire"  # the signatory's key in the development PKI
    team.mayor.save()
    dossier = filed_dossier(team, "PCMI")
    receipt = IssuedDocument.objects.get(dossier=dossier)
    assert (receipt.kind, receipt.status) == (DocumentKind.RECEPISSE, DocumentStatus.PENDING)
    sign_pending(receipt.pk)  # what the worker's job does
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.SIGNED
    client.force_login(team.applicant)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    link = f"/dossiers/{dossier.pk}/documents/{receipt.pk}/"
    assert link in page
    response = client.get(link)
    assert response.status_code == 200, response.content[:500]
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "recepisse.pdf"
    path.write_bytes(pdf)
    assert_pdfsig_valid(path)
    client.force_login(UserFactory())
    assert client.get(link).status_code == 404


def test_without_a_signatory_the_dossier_is_filed_and_the_gap_logged(caplog):
    team = make_team()
    Membership.objects.filter(role=Role.SIGNATORY).delete()
    dossier = filed_dossier(team, "DP")
    assert dossier.number and not IssuedDocument.objects.exists()
    assert "no signatory" in caplog.text
