import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import FederatedIdentity, Membership, Role, User
from permits.models import Dossier
from permits.models.pieces import Piece
from tests.factories import ApplicantFactory, DossierFactory, UserFactory, filed_dossier, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_team()


def add_piece(dossier, user, content=b"%PDF-mine"):
    piece = Piece(
        dossier=dossier,
        code="PCMI1",
        original_name="plan.pdf",
        content_type="application/pdf",
        extension="pdf",
        size_bytes=len(content),
        sha256="0" * 64,
        scan_status="clean",
        uploaded_by=user,
    )
    piece.file.save("plan.pdf", ContentFile(content), save=False)
    piece.save()


def test_the_export_is_complete_and_limited_to_the_requester(team, client):
    mine = filed_dossier(team)
    draft = DossierFactory(commune=team.commune, depositor=team.applicant)
    ApplicantFactory(dossier=draft, birth_name="Durand-Martin")
    add_piece(draft, team.applicant)
    FederatedIdentity.objects.create(
        user=team.applicant,
        provider="franceconnect",
        sub="sub-1",
        claims={"given_name": "Camille"},
        claims_received_at="2026-01-01T10:00:00Z",
    )
    other = UserFactory(username="autre")
    theirs = DossierFactory(commune=team.commune, depositor=other)
    ApplicantFactory(dossier=theirs, birth_name="Secret")
    add_piece(theirs, other, b"%PDF-theirs")

    client.force_login(team.applicant)
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("mes-donnees.json"))
    assert data["account"]["username"] == team.applicant.username
    assert data["identities"][0]["claims"] == {"given_name": "Camille"}
    assert {d["id"] for d in data["dossiers"]} == {mine.pk, draft.pk}
    names = {a["birth_name"] for d in data["dossiers"] for a in d["applicants"]}
    assert names == {"Martin", "Durand-Martin"}
    piece_files = [p["file"] for d in data["dossiers"] for p in d["pieces"]]
    assert len(piece_files) == 1
    assert archive.read(piece_files[0]) == b"%PDF-mine"
    assert b"Secret" not in response.content and b"theirs" not in response.content


def test_closing_an_account(team, client):
    filed = filed_dossier(team)
    draft = DossierFactory(commune=team.commune, depositor=team.applicant)
    FederatedIdentity.objects.create(
        user=team.applicant,
        provider="franceconnect",
        sub="sub-1",
        claims={"given_name": "Camille"},
        claims_received_at="2026-01-01T10:00:00Z",
    )
    client.force_login(team.applicant)
    url = reverse("privacy:close_account")
    assert client.post(url, {"confirmation": "non"}).status_code == 400
    response = client.post(url, {"confirmation": "clôturer"})
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    filed.refresh_from_db()
    assert filed.depositor_id is None and filed.number  # kept, detached
    user = User.objects.get(pk=team.applicant.pk)
    assert not user.is_active and not user.email and user.username.startswith("compte-clos-")
    assert not user.has_usable_password()
    assert not FederatedIdentity.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session


def test_an_agent_cannot_close_here(team, client):
    client.force_login(team.officer)
    response = client.post(reverse("privacy:close_account"), {"confirmation": "CLÔTURER"})
    assert response.status_code == 400
    assert User.objects.get(pk=team.officer.pk).is_active
    assert Membership.objects.filter(user=team.officer, role=Role.OFFICER).exists()
