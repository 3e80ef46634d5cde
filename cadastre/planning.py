"""The commune's planning document in force, as imported from the Géoportail de l'urbanisme
(cadastre.importers.urba): shown to the applicant (privacy.site_facts) and read by the journey's
advisor (permits.journey.procedure_fit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class InForce:
    """The document of the newest current zoning imported for a commune."""

    code: str  # the CNIG code, upper case: PLU, PLUI, CC, POS, PSMV
    approved_on: date | None
    illustrative: bool


def document_code(idurba: str, typedoc: str = "") -> str:
    """The CNIG document code: TYPEDOC, else the idurba's middle part,
    `{INSEE or SIREN}_{PLU|PLUi|CC|POS|PSMV}_{YYYYMMDD}` (§5.4); PLU when neither says."""
    return (typedoc or [*idurba.split("_"), "", ""][1] or "PLU").upper()


def document_in_force(insee_code: str) -> InForce | None:
    """The one read of the commune's document in force, for the applicant's page, the journey
    and the act alike (one fact, one source); None: the RNU applies."""
    zone = (
        Zone.objects.filter(insee=insee_code, is_current=True)
        .order_by("-approved_on")
        .values("idurba", "typedoc", "approved_on", "illustrative")
        .first()
    )
    if zone is None:
        return None
    return InForce(
        code=document_code(zone["idurba"] or "", zone["typedoc"] or ""),
        approved_on=zone["approved_on"],
        illustrative=bool(zone["illustrative"]),
    )


def _planning_document(insee_code: str) -> dict[str, str]:
    document = document_in_force(insee_code)
    if document is None:
        return {
            "kind": "RNU",
            "label": "règlement national d'urbanisme (RNU), aucun document d'urbanisme "
            "n'étant enregistré pour la commune",
        }
    label = DOCUMENT_NAMES.get(document.code, document.code)
    if document.approved_on:
        label += f", approuvé le {document.approved_on:%d/%m/%Y}"
    if document.illustrative:
        label += " (zonage illustratif de démonstration)"
    return {"kind": document.code, "label": label}
