"""Public registers (R423-6 notice of filing, R424-15 display of decisions) as pages and open
data, and the statistics page for agents (the consulted services' space: views/consulted.py)."""

from __future__ import annotations

import csv
import json

from dateutil.relativedelta import relativedelta
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import communes_for, role_required
from core.ratelimit import rate_limited
from permits import stats
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from permits.stats import STATISTICS_ROLES
from workflow.states import AWAITING_DECISION

# R423-6: the notice of filing stays displayed during the whole instruction; R424-15: a
# decision's extract is displayed for two months. Names of natural persons are not published
# here (data minimisation): the number, the site and the nature of the project identify it.
DISPLAY_MONTHS = 2


def _registers():
    today = timezone.localdate()
    filings = (
        Dossier.objects.filter(state__in=AWAITING_DECISION)
        .select_related("commune")
        .order_by("-filed_at")
    )
    since = today - relativedelta(months=DISPLAY_MONTHS)
    decisions = (
        IssuedDocument.objects.filter(
            kind=DocumentKind.DECISION, status=DocumentStatus.SIGNED, signed_at__date__gte=since
        )
        .select_related("dossier", "dossier__commune")
        .order_by("-signed_at")
    )
    return filings, decisions


def _filing_row(d: Dossier) -> dict:
    return {
        "number": d.display_number,
        "procedure": d.procedure,
        "commune": d.commune.name,
        "filed_on": d.filed_on.isoformat(),
        "site": f"{d.site_address} {d.site_postcode} {d.site_locality}".strip(),
        "project": d.description[:300],
    }


def _decision_row(doc: IssuedDocument) -> dict:
    d = doc.dossier
    return {
        "number": d.display_number,
        "procedure": d.procedure,
        "commune": d.commune.name,
        "decision": doc.get_outcome_display(),
        "reference": doc.reference,
        "signed_on": doc.signed_at.date().isoformat(),
        "site": f"{d.site_address} {d.site_postcode} {d.site_locality}".strip(),
    }


EXPORTS = {"json", "csv-depots", "csv-decisions"}  # up to 2,000 rows each: rate-limited


@require_safe
@rate_limited("registers_export", when=lambda request: request.GET.get("format") in EXPORTS)
def registers(request):
    """The public registers of filings (R423-6) and decisions (R424-15), also as CSV and JSON for
    reuse."""
    filings, decisions = _registers()
    kind = request.GET.get("format")
    rows = {
        "depots": [_filing_row(d) for d in filings[:1000]],
        "decisions": [_decision_row(doc) for doc in decisions[:1000]],
    }
    if kind == "json":
        return HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    if kind in ("csv-depots", "csv-decisions"):
        table = rows["depots" if kind == "csv-depots" else "decisions"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind[4:]}.csv"'
        if table:
            writer = csv.DictWriter(response, fieldnames=list(table[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(table)
        return response
    return render(request, "permits/public/registers.html", rows)


@role_required(*STATISTICS_ROLES)
@require_safe
def statistics(request):
    """Charts over the dossiers of the communes where the person holds one of these roles."""
    today = timezone.localdate()
    figures = stats.compute(
        Dossier.objects.filter(commune__in=communes_for(request.user, STATISTICS_ROLES)), today
    )
    return render(
        request,
        "permits/public/statistics.html",
        {"figures": figures, "charts": stats.charts(figures, today), "today": today},
    )
