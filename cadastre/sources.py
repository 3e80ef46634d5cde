"""Which reference data a commune's checks use: the cadastre's millésime and the documents
d'urbanisme in force with their approval date (cited in the decision's visas, §7)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max

from cadastre.idu import cadastral_codes
from cadastre.models import Parcel, Zone


def reference_data(insee: str) -> dict[str, Any]:
    """The commune's parcels (count, millésime, last update) and plans in force."""
    codes = cadastral_codes(insee)
    parcels = reference_data_parcels(insee)
    plans = list(
        Zone.objects.filter(insee__in=codes, is_current=True)
        .values("idurba", "typedoc", "approved_on", "illustrative")
        .annotate(zones=Count("id"))
        .order_by("-approved_on", "idurba")
    )
    return {"parcels": parcels, "plans": plans}


def cadastre_label(insee: str) -> str:
    """The cadastre the checks of `insee` read, for the officers' and applicants' pages."""
    parcels = reference_data_parcels(insee)
    if not parcels["count"]:
        return "aucun cadastre importé pour la commune"
    label = "plan cadastral de la DGFiP"
    if parcels["millesime"]:
        label += f", millésime du {parcels['millesime']:%d/%m/%Y}"
    return label + f", importé le {parcels['updated']:%d/%m/%Y}"


def reference_data_parcels(insee: str) -> dict[str, Any]:
    """Count, millésime and last update of the commune's current parcels (all arrondissements),
    the facts a decision's visas and the checks' pages cite."""
    return Parcel.objects.filter(
        commune__in=cadastral_codes(insee), retired_at__isnull=True
    ).aggregate(count=Count("id"), millesime=Max("millesime"), updated=Max("updated_at"))
