"""The intercommunal portal (issue 23, §5): an instruction service's home lists its communes
and starts from the site, whose parcels (or address) decide the commune of the dossier."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import InstructionService
from accounts.permissions import login_required
from cadastre.check import check_parcels
from permits import portal
from permits.filing import create_draft
from permits.journey.applicant import prefill_applicant
from permits.journey.site import attach_site
from workflow import procedures


class SiteQuestionForm(forms.Form):
    address = forms.CharField(
        label="Adresse du terrain",
        required=False,
        max_length=300,
        help_text="Numéro, voie, code postal et commune, par exemple « 3 rue des Lilas, "
        "91360 Épinay-sur-Orge ».",
    )
    parcels = forms.CharField(
        label="Ou ses références cadastrales",
        required=False,
        max_length=2000,
        help_text="Une parcelle par ligne : section et numéro (« AB 12 ») ou l'identifiant "
        "complet (91216000AB0012). Elles priment sur l'adresse.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartForm(SiteQuestionForm):
    procedure = forms.ChoiceField(
        label="Démarche",
        choices=[(code, procedures.get(code).label) for code in procedures.INITIAL_CODES],
    )


def _routed(service, form):
    routing = portal.route(
        service.communes.all(),
        address=form.cleaned_data["address"],
        parcels=form.cleaned_data["parcels"],
    )
    for problem in routing.problems:
        form.add_error("parcels" if routing.by == "parcels" else "address", problem)
    return routing


@require_http_methods(["GET"])
def service_home(request, service_id: int):
    """An instruction service's portal: which of its communes the site is in, then a draft there."""
    service = get_object_or_404(InstructionService, pk=service_id)
    form = SiteQuestionForm(request.GET or None)
    routing = _routed(service, form) if form.is_bound and form.is_valid() else None
    start = None
    if routing is not None and routing.commune is not None:
        start = StartForm(initial={**form.cleaned_data}, prefix="start")  # ids unique
    return render(
        request,
        "permits/portal/service.html",
        {
            "service": service,
            "communes": service.communes.order_by("name"),
            "form": form,
            "routing": routing,
            "start": start,
        },
    )


@login_required
@require_POST
def start(request, service_id: int):
    """A draft in the commune the site decides; its parcels attached, checked there."""
    service = get_object_or_404(InstructionService, pk=service_id)
    form = StartForm(request.POST, prefix="start")
    routing = _routed(service, form) if form.is_valid() else None
    if routing is None or routing.commune is None:
        messages.error(request, "Indiquez un terrain situé dans une seule commune du service.")
        return redirect("permits:service_home", service_id=service.pk)
    commune = routing.commune
    with transaction.atomic():
        draft = create_draft(
            procedure=form.cleaned_data["procedure"], commune=commune, depositor=request.user
        )
        prefill_applicant(draft, request.user)
        if routing.parcels:
            attach_site(draft, check_parcels(routing.parcels, commune.insee_code))
    return redirect("permits:draft", pk=draft.pk)
