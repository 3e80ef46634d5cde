"""Which reference data a commune's checks use: the cadastre's millésime and the documents
d'urbanisme in force with their approval date (cited in the decision's visas, §7)."""

from __future__ import annotations

from django.db.models import Count, Max

from cadastre.idu import cadastral_codes
from cadastre.models import Parcel, Zone


def reference_data(insee: str) -> dict:
    codes = cadastral_codes(insee)
    parcels = Parcel.objects.filter(commune__in=codes, retired_at__isnull=True).aggregate(
        count=Count("id"), millesime=Max("millesime"), updated=Max("updated_at")
    )
    plans = list(
        Zone.objects.filter(insee__in=codes, is_current=True)
        .values("idurba", "typedoc", "approved_on", "illustrative")
        .annotate(zones=Count("id"))
        .order_by("-approved_on", "idurba")
    )
    return {"parcels": parcels, "plans": plans}
