"""The counter's workspace (issue 23): guichet agents and officers register dossiers received
on paper, by post or by e-mail, with the journey's own forms and checks; applicants claim them
online with the code printed on the récépissé.

Every counter view checks the agent's role on the dossier's commune; a counter draft has no
depositor, so it is reachable here only.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import communes_for, has_role, login_required, role_required
from cadastre.check import check_parcels
from core.ratelimit import rate_limited
from permits import counter
from permits.counter_forms import (
    ClaimForm,
    CounterApplicantForm,
    OpenRegistrationForm,
    RegisterDayForm,
    ScanSplitForm,
)
from permits.filing import FilingError
from permits.forms import ProjectForm, SiteForm
from permits.journey import drafts
from permits.journey.pieces_upload import pieces_page
from permits.journey.site import save_site
from permits.models import Applicant, CounterFiling, Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from permits.pieces.scan import ScanUnavailable
from permits.pieces.validation import PieceRefused
from workflow.states import State

COUNTER_ROLES = (Role.GUICHET, Role.OFFICER, Role.SERVICE_HEAD)


def _counter_dossier(request, pk: int, *, draft: bool = True) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.select_related("commune", "counter_filing"),
        pk=pk,
        counter_filing__isnull=False,
    )
    if not has_role(request.user, COUNTER_ROLES, dossier.commune_id):
        raise Http404("No Dossier matches the given query.")
    if draft and dossier.state != State.DRAFT:
        raise Http404("No Dossier matches the given query.")
    return dossier


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter_home(request):
    """The counter: opens the registration of a paper, post or e-mail filing for one of the agent's
    communes."""
    communes = communes_for(request.user, COUNTER_ROLES)
    form = OpenRegistrationForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = counter.open_registration(
            agent=request.user,
            commune=data["commune"],
            procedure=data["procedure"],
            channel=data["channel"],
            received_on=data["received_on"],
            late_reason=data["late_reason"],
        )
        return redirect("permits:counter_draft", pk=draft.pk)
    pending = (
        CounterFiling.objects.filter(dossier__state=State.DRAFT, dossier__commune__in=communes)
        .select_related("dossier")
        .order_by("received_on")
    )
    return render(
        request,
        "permits/counter/home.html",
        {"form": form, "pending": pending, "today": timezone.localdate()},
    )


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET"])
def counter_draft(request, pk: int):
    """A counter registration's task list, as the applicant's journey shows it."""
    dossier = _counter_dossier(request, pk)
    return render(
        request,
        "permits/counter/draft.html",
        {"dossier": dossier, "tasks": drafts.tasks(dossier), "split": ScanSplitForm()},
    )


def _step(request, dossier, form, title, extra=None):
    return render(
        request,
        "permits/counter/step.html",
        {"dossier": dossier, "form": form, "title": title, **(extra or {})},
    )


def _saved(request, dossier, text):
    messages.success(request, text)
    return redirect("permits:counter_draft", pk=dossier.pk)


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter_applicant(request, pk: int):
    """The applicant as written on the paper form."""
    dossier = _counter_dossier(request, pk)
    applicant = dossier.applicants.order_by("rank").first() or Applicant(dossier=dossier, rank=1)
    form = CounterApplicantForm(request.POST or None, instance=applicant)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _saved(request, dossier, "Demandeur enregistré.")
    return _step(request, dossier, form, "Le demandeur")


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter_site(request, pk: int):
    """The journey's parcel check: found, in the commune, constraints kept for the officer."""
    dossier = _counter_dossier(request, pk)
    form = SiteForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            check = check_parcels(
                form.cleaned_data["parcels"].splitlines(), dossier.commune.insee_code
            )
        except ValueError as error:
            form.add_error("parcels", str(error))
        else:
            for p in check.parcels:
                if not (p.found and p.in_commune):
                    hint = (
                        f" Vouliez-vous dire : {', '.join(p.suggestions)} ?"
                        if p.suggestions
                        else ""
                    )
                    form.add_error("parcels", f"{p.reference} : {p.message}{hint}")
            if not form.errors:
                save_site(form, dossier, check)
                return _saved(request, dossier, "Terrain enregistré.")
    return _step(request, dossier, form, "Le terrain")


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter_project(request, pk: int):
    """The project as written on the paper form."""
    dossier = _counter_dossier(request, pk)
    form = ProjectForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _saved(request, dossier, "Projet enregistré.")
    return _step(request, dossier, form, "Le projet")


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET", "POST"])
def counter_pieces(request, pk: int):
    """One PDF per piece, through the journey's upload (validation, antivirus, versions)."""
    dossier = _counter_dossier(request, pk)
    return pieces_page(request, dossier, "permits/counter/pieces.html")


@role_required(*COUNTER_ROLES)
@require_POST
def counter_split(request, pk: int):
    """One scan cut into pieces by page ranges, all stored or none."""
    dossier = _counter_dossier(request, pk)
    form = ScanSplitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            pieces = counter.split_scan(
                dossier, form.cleaned_data["scan"], form.cleaned_data["ranges"], request.user
            )
        except PieceRefused as refusal:
            form.add_error("scan", str(refusal))
        except ScanUnavailable:
            form.add_error(
                "scan",
                "L'analyse antivirus est momentanément indisponible : "
                "réessayez dans quelques minutes.",
            )
        else:
            codes = ", ".join(piece.code for piece in pieces)
            return _saved(request, dossier, f"Numérisation découpée : pièces {codes} enregistrées.")
    return render(
        request,
        "permits/counter/draft.html",
        {"dossier": dossier, "tasks": drafts.tasks(dossier), "split": form},
        status=400,
    )


@role_required(*COUNTER_ROLES)
@require_POST
def counter_register(request, pk: int):
    """Registers the filing at its reception date (R423-3): numbered, receipted; the claim code
    shown once."""
    dossier = _counter_dossier(request, pk)
    try:
        filed, code = counter.register(dossier.pk, request.user)
    except FilingError as refusal:
        messages.error(request, str(refusal))
        return redirect("permits:counter_draft", pk=dossier.pk)
    # The code is shown once, here and on the récépissé; only its digest is stored.
    request.session[f"counter_code_{filed.pk}"] = code
    return redirect("permits:counter_registered", pk=filed.pk)


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET"])
def counter_registered(request, pk: int):
    """The registered filing: the récépissé to print and the code the applicant claims it with."""
    dossier = _counter_dossier(request, pk, draft=False)
    receipt = IssuedDocument.objects.filter(dossier=dossier, kind=DocumentKind.RECEPISSE).first()
    return render(
        request,
        "permits/counter/registered.html",
        {
            "dossier": dossier,
            "receipt": receipt,
            "code": request.session.get(f"counter_code_{dossier.pk}", ""),
            "tacit": next((d for d in dossier.deadlines() if d.name == "tacit_decision"), None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("claim", when=lambda request: request.method == "POST")  # codes are not guessed
def claim(request):
    """The applicant follows a dossier filed at the mairie, with the récépissé's code."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = counter.claim(
                form.cleaned_data["code"],
                request.user,
                form.cleaned_data["electronic_notification_consent"],
            )
        except counter.ClaimRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(request, f"Vous suivez désormais le dossier {dossier.display_number}.")
            return redirect(reverse("permits:dossier_detail", args=[dossier.pk]))
    return render(request, "permits/counter/claim.html", {"form": form})


@role_required(*COUNTER_ROLES)
@require_http_methods(["GET"])
def daily_register(request):
    """The registre chronologique des dépôts: every dossier filed on a day (its legal filing
    date, R423-3: a counter registration appears on its receipt date, with the day it was
    typed), in the order of filing, for the agent's communes; printed from the browser."""
    form = RegisterDayForm(request.GET or None)
    chosen = form.cleaned_data["jour"] if form.is_valid() else None
    day = chosen or timezone.localdate()
    rows = counter.filed_on_day(communes_for(request.user, COUNTER_ROLES), day)
    return render(
        request, "permits/counter/register.html", {"form": form, "day": day, "rows": rows}
    )
