"""A few dossiers for the demo, at different stages, so that each role finds work on its first
visit: a declaration just filed, a permit under instruction, a permit in the mayor's
parapheur. Created once (a second run finds them and does nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from permits.filing import create_draft, file_dossier
from permits.models import Applicant, Dossier, DossierParcel
from workflow.transitions import fire

SITES = [
    # procedure, days since filing, parcel (real 91216 IDU), description
    ("DP", 6, "91216000AB0026", "Pose d'une clôture en limite de propriété."),
    ("PCMI", 20, "91216000AB0039", "Construction d'une maison individuelle de 118 m²."),
    ("PC", 35, "91216000AB0037", "Construction d'un bâtiment de 6 logements."),
]


def demo_draft(
    commune,
    applicant: User,
    procedure: str,
    description: str,
    idu: str,
    *,
    area_m2: int | None = None,
    consent: bool = True,
) -> Dossier:
    """A draft of the demo's applicant on a real parcel, with their applicant block: the demo's
    dossiers start from it, and so does the image check's filing (scripts/image_check.py)."""
    draft = create_draft(
        procedure=procedure,
        commune=commune,
        depositor=applicant,
        description=description,
        site_address="12 rue de la Gare",
        site_postcode="91360",
        site_locality=commune.name,
        electronic_notification_consent=consent,
    )
    Applicant.objects.create(
        dossier=draft,
        rank=1,
        civility="madame",
        birth_name=applicant.last_name,
        given_names=applicant.first_name,
        address="3 rue des Lilas",
        postcode="91360",
        locality=commune.name,
        email=applicant.email,
    )
    DossierParcel.objects.create(dossier=draft, idu=idu, area_m2=area_m2)
    return draft


@transaction.atomic
def create_demo_dossiers(commune, applicant: User, officer: User) -> list[Dossier]:
    """The demo's dossiers at every stage, created once per commune so that `make demo` shows a
    lived-in worklist."""
    if Dossier.objects.filter(commune=commune).exists():
        return []
    created = []
    for procedure, days, idu, description in SITES:
        draft = demo_draft(commune, applicant, procedure, description, idu)
        dossier = file_dossier(draft.pk, now=timezone.now() - timedelta(days=days), actor=applicant)
        if procedure in ("PCMI", "PC"):
            dossier = fire(dossier, "declare_complete", actor=officer)
        if procedure == "PC":
            dossier = fire(
                dossier,
                "propose_decision",
                actor=officer,
                outcome="grant_with_prescriptions",
                grounds=["Considérant que le projet respecte le règlement de la zone."],
                prescriptions=["Les menuiseries extérieures seront en bois peint."],
            )
            dossier = fire(dossier, "send_for_signature", actor=officer)
        created.append(dossier)
    return created
