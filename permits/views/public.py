"""Public registers (R423-6 notice of filing, R424-15 display of decisions) as pages and open
data, and the consulted services' space and the statistics page for agents."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from statistics import median

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import communes_for, role_required
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from workflow.consultations import ANSWERS, answer_consultation
from workflow.errors import TransitionRefused
from workflow.models import Consultation, Opinion
from workflow.states import AWAITING_DECISION, State

# R423-6: the notice of filing stays displayed during the whole instruction; R424-15: a
# decision's extract is displayed for two months. Names of natural persons are not published
# here (data minimisation): the number, the site and the nature of the project identify it.
DISPLAY_MONTHS = 2


def _registers():
    today = timezone.localdate()
    filings = (Dossier.objects.filter(state__in=AWAITING_DECISION).select_related("commune")
               .order_by("-filed_at"))  # fmt: skip
    since = today - relativedelta(months=DISPLAY_MONTHS)
    decisions = (IssuedDocument.objects.filter(kind=DocumentKind.DECISION,
                                               status=DocumentStatus.SIGNED,
                                               signed_at__date__gte=since)
                 .select_related("dossier", "dossier__commune").order_by("-signed_at"))  # fmt: skip
    return filings, decisions


def _filing_row(d: Dossier) -> dict:
    return {"number": d.display_number, "procedure": d.procedure, "commune": d.commune.name,
            "filed_on": d.filed_on.isoformat(), "site": f"{d.site_address} {d.site_postcode} "
            f"{d.site_locality}".strip(), "project": d.description[:300]}  # fmt: skip


def _decision_row(doc: IssuedDocument) -> dict:
    d = doc.dossier
    return {"number": d.display_number, "procedure": d.procedure, "commune": d.commune.name,
            "decision": doc.get_outcome_display(), "reference": doc.reference,
            "signed_on": doc.signed_at.date().isoformat(),
            "site": f"{d.site_address} {d.site_postcode} {d.site_locality}".strip()}  # fmt: skip


@require_safe
def registers(request):
    filings, decisions = _registers()
    kind = request.GET.get("format")
    rows = {"depots": [_filing_row(d) for d in filings[:1000]],
            "decisions": [_decision_row(doc) for doc in decisions[:1000]]}  # fmt: skip
    if kind == "json":
        return HttpResponse(json.dumps(rows, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")  # fmt: skip
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


@role_required(Role.CONSULTEE)
@require_safe
def consultations(request):
    """The consulted service's space: the consultations of the communes it serves."""
    pending = (Consultation.objects.filter(dossier__commune__in=communes_for(
        request.user, [Role.CONSULTEE])).select_related("dossier", "dossier__commune")
        .order_by("answered_on", "due_on"))  # fmt: skip
    return render(
        request,
        "permits/public/consultations.html",
        {
            "consultations": pending[:300],
            "answers": [(o.value, o.label) for o in Opinion if o in ANSWERS],
        },
    )


@role_required(Role.CONSULTEE)
@require_POST
def answer(request, pk: int):
    consultation = get_object_or_404(Consultation.objects.filter(
        dossier__commune__in=communes_for(request.user, [Role.CONSULTEE])), pk=pk)  # fmt: skip
    try:
        answer_consultation(consultation, opinion=request.POST.get("opinion", ""),
                            text=request.POST.get("text", ""), actor=request.user)  # fmt: skip
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Avis enregistré.")
    return redirect("permits:consultations")


@role_required(Role.OFFICER, Role.SERVICE_HEAD, Role.SIGNATORY, Role.COMMUNE_ADMIN,
               Role.ADMINISTRATOR)  # fmt: skip
@require_safe
def statistics(request):
    dossiers = Dossier.objects.filter(
        commune__in=communes_for(request.user)).exclude(state=State.DRAFT)  # fmt: skip
    by_state = dossiers.values("state").annotate(n=Count("pk")).order_by("state")
    by_type = dossiers.values("procedure").annotate(n=Count("pk")).order_by("procedure")
    durations: dict[str, list[int]] = {}
    decided = dossiers.exclude(decision_notified_on=None).exclude(filed_at=None)
    for procedure, filed_at, notified in decided.values_list(
        "procedure", "filed_at", "decision_notified_on"
    ):
        durations.setdefault(procedure, []).append(
            (notified - timezone.localdate(filed_at)).days)  # fmt: skip
    outcomes = dossiers.exclude(decision_outcome="")
    tacit = outcomes.filter(decision_outcome__startswith="tacit").count()
    week = timezone.localdate() + timedelta(days=7)
    at_risk = dossiers.filter(state__in=AWAITING_DECISION, action_due_on__lte=week).count()
    return render(
        request,
        "permits/public/statistics.html",
        {
            "by_state": [(State(r["state"]).label, r["n"]) for r in by_state],
            "by_type": list(by_type),
            "max_state": max((r["n"] for r in by_state), default=1),
            "medians": sorted((p, median(v), len(v)) for p, v in durations.items()),
            "tacit_share": round(100 * tacit / outcomes.count()) if outcomes.count() else 0,
            "decided": outcomes.count(),
            "at_risk": at_risk,
        },
    )
