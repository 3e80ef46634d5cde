"""The commune's planning document in force, as imported from the Géoportail de l'urbanisme
(cadastre.importers.urba): shown to the applicant (privacy.site_facts) and read by the journey's
advisor (permits.journey.procedure_fit)."""

from __future__ import annotations

from typing import cast

from django.core.cache import cache

from cadastre.models import Zone

DOCUMENT_NAMES = {
    "PLU": "plan local d'urbanisme (PLU)",
    "PLUI": "plan local d'urbanisme intercommunal (PLUi)",
    "CC": "carte communale",
    "POS": "plan d'occupation des sols (POS)",
    "PSMV": "plan de sauvegarde et de mise en valeur (PSMV)",
}


PLANNING_CACHE_SECONDS = 300  # a new PLU import shows within 5 minutes (import_plu)


def planning_document(insee_code: str) -> dict[str, str]:
    """The commune's planning document in force as imported from the Géoportail de
    l'urbanisme; none means the règlement national d'urbanisme applies (L111-1). Read once
    every few minutes per commune: it changes with an import, not between two pages."""
    found = cache.get_or_set(
        f"planning-document:{insee_code}",
        lambda: _planning_document(insee_code),
        PLANNING_CACHE_SECONDS,
    )
    return cast(dict[str, str], found)  # the cache holds what _planning_document returned


def _planning_document(insee_code: str) -> dict[str, str]:
    zone = (
        Zone.objects.filter(insee=insee_code, is_current=True)
        .order_by("-approved_on")
        .values("typedoc", "approved_on", "illustrative")
        .first()
    )
    if zone is None:
        return {
            "kind": "RNU",
            "label": "règlement national d'urbanisme (RNU), aucun document "
            "d'urbanisme n'étant enregistré pour la commune",
        }
    kind = (zone["typedoc"] or "PLU").upper()
    label = DOCUMENT_NAMES.get(kind, kind)
    if zone["approved_on"]:
        label += f", approuvé le {zone['approved_on']:%d/%m/%Y}"
    if zone["illustrative"]:
        label += " (zonage illustratif de démonstration)"
    return {"kind": kind, "label": label}
