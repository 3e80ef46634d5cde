"""What the administration already knows about a site, shown to the applicant instead of being
asked (issue 10, reference §1.2 and §5): the commune, the rules that apply there (PLU, PLUi,
carte communale or RNU), each parcel's contenance, the site's area from the cadastral geometry,
the PLU zones and the servitudes crossed."""

from __future__ import annotations

from django.core.cache import cache

from cadastre.models import Zone
from cadastre.sources import cadastre_label

DOCUMENT_NAMES = {
    "PLU": "plan local d'urbanisme (PLU)",
    "PLUI": "plan local d'urbanisme intercommunal (PLUi)",
    "CC": "carte communale",
    "POS": "plan d'occupation des sols (POS)",
    "PSMV": "plan de sauvegarde et de mise en valeur (PSMV)",
}


PLANNING_CACHE_SECONDS = 300  # a new PLU import shows within 5 minutes (import_plu)


def planning_document(insee_code: str) -> dict:
    """The commune's planning document in force as imported from the Géoportail de
    l'urbanisme; none means the règlement national d'urbanisme applies (L111-1). Read once
    every few minutes per commune: it changes with an import, not between two pages."""
    return cache.get_or_set(
        f"planning-document:{insee_code}",
        lambda: _planning_document(insee_code),
        PLANNING_CACHE_SECONDS,
    )


def _planning_document(insee_code: str) -> dict:
    zone = (
        Zone.objects.filter(insee=insee_code, is_current=True)
        .order_by("-approved_on")
        .values("typedoc", "approved_on", "illustrative")
        .first()
    )
    if zone is None:
        return {"kind": "RNU", "label": "règlement national d'urbanisme (RNU), aucun document "
                "d'urbanisme n'étant enregistré pour la commune"}  # fmt: skip
    kind = (zone["typedoc"] or "PLU").upper()
    label = DOCUMENT_NAMES.get(kind, kind)
    if zone["approved_on"]:
        label += f", approuvé le {zone['approved_on']:%d/%m/%Y}"
    if zone["illustrative"]:
        label += " (zonage illustratif de démonstration)"
    return {"kind": kind, "label": label}


def cadastre_source(insee_code: str) -> str:
    """Which cadastre (millésime) the checks read: it changes with an import only."""
    return cache.get_or_set(
        f"cadastre-source:{insee_code}", lambda: cadastre_label(insee_code), PLANNING_CACHE_SECONDS
    )


def site_facts(dossier, check: dict | None) -> dict:
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
