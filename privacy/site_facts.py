"""What the administration already knows about a site, shown to the applicant instead of being
asked (issue 10, reference §1.2 and §5): the commune, the rules that apply there (PLU, PLUi,
carte communale or RNU), each parcel's contenance, the site's area from the cadastral geometry,
the PLU zones and the servitudes crossed."""

from __future__ import annotations

from typing import cast

from django.core.cache import cache

from cadastre.planning import PLANNING_CACHE_SECONDS, planning_document
from cadastre.sources import cadastre_label


def cadastre_source(insee_code: str) -> str:
    """Which cadastre (millésime) the checks read: it changes with an import only."""
    label = cache.get_or_set(
        f"cadastre-source:{insee_code}", lambda: cadastre_label(insee_code), PLANNING_CACHE_SECONDS
    )
    return cast(str, label)


def site_facts(dossier, check: dict | None) -> dict:
    """The site's known facts for the template, from the dossier and its parcel check."""
    check = check or {}
    return {
        "commune": dossier.commune,
        "planning": planning_document(dossier.commune.insee_code),
        "cadastre": cadastre_source(dossier.commune.insee_code),
        "parcels": [p for p in check.get("parcels", []) if p.get("found")],
        "area_m2": check.get("area_m2"),
        "zones": check.get("zones", []),
        "servitudes": check.get("servitudes", []),
        "checked": bool(check),
    }
