"""Committed data for the fault tests: a team whose mayor holds the development PKI's key, a
draft ready to file, a decision awaiting signature."""

from django.core.files.uploadedfile import SimpleUploadedFile

from permits.models import DossierParcel
from permits.pieces.store import add_piece
from tests.factories import ApplicantFactory, DossierFactory, make_team

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def signing_team():
    team = make_team()
    team.mayor.username = "maire"  # the signatory's key in the development PKI (pki_dir)
    team.mayor.save()
    return team


def ready_draft(team, procedure: str = "DP"):
    """A draft whose every task is done (permits.journey.drafts): filing only remains."""
    draft = DossierFactory(
        procedure=procedure,
        commune=team.commune,
        depositor=team.applicant,
        site_address="12 rue de la Gare, 91360 Épinay-sur-Orge",
        description="Pose d'une clôture",
    )
    ApplicantFactory(dossier=draft, address="3 rue des Lilas, 91360 Épinay-sur-Orge")
    DossierParcel.objects.create(dossier=draft, idu="91216000AB0123", area_m2=500)
    add_piece(draft, "DP1", SimpleUploadedFile("situation.png", PNG), team.applicant)
    return draft
