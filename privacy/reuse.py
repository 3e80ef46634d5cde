"""Tell us once: an applicant's earlier dossier as the starting point of a new one (the
applicants, the site and its parcels are copied; the project and the pieces are not)."""

from __future__ import annotations

from django.db import transaction

from permits.filing import create_draft
from permits.models import Applicant, Dossier, DossierParcel

SITE_FIELDS = ("site_address", "site_postcode", "site_locality", "site_area_m2", "parcel_check")
APPLICANT_SKIP = {"id", "dossier"}


@transaction.atomic
def draft_from(earlier: Dossier, procedure: str, user) -> Dossier:
    """A new draft with the applicants and site of an earlier dossier of the same person: tell us
    once."""
    draft = create_draft(
        procedure=procedure,
        commune=earlier.commune,
        depositor=user,
        **{name: getattr(earlier, name) for name in SITE_FIELDS},
    )
    Applicant.objects.bulk_create(
        Applicant(
            dossier=draft,
            **{
                field.name: getattr(applicant, field.name)
                for field in Applicant._meta.concrete_fields
                if field.name not in APPLICANT_SKIP
            },
        )
        for applicant in earlier.applicants.all()
    )
    DossierParcel.objects.bulk_create(
        DossierParcel(dossier=draft, idu=parcel.idu, area_m2=parcel.area_m2)
        for parcel in earlier.parcels.all()
    )
    return draft
