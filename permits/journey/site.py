"""The site of a draft from its parcel check (cadastre.check): its parcels, its area from the
cadastral geometry (tell us once) and the check kept on the dossier. Used by the journey, the
mairie's counter and an instruction service's home."""

from __future__ import annotations

from django.db import transaction

from permits.models import Dossier, DossierParcel


@transaction.atomic
def save_site(form, draft: Dossier, check) -> None:
    """The site form's fields and the check's parcels, together or not at all."""
    attach_site(form.save(commit=False), check)


def attach_site(draft: Dossier, check) -> None:
    """The check's parcels replace the draft's: the check is what the instruction reads."""
    if not draft.site_area_m2 and check.area_m2:
        draft.site_area_m2 = round(check.area_m2)  # from the cadastral geometry (tell us once)
    draft.parcel_check = check.as_dict()
    draft.save()
    draft.parcels.all().delete()
    DossierParcel.objects.bulk_create(
        DossierParcel(dossier=draft, idu=p.idu, area_m2=p.contenance_m2) for p in check.found
    )
