"""The applicant's journey: choose a procedure, fill the draft step by step, check, file.

Views are thin: they parse the form, call one operation (permits.filing, permits.pieces.store,
cadastre.check), render. Every draft view is limited to the draft's own depositor.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import referential
from accounts.models import Commune
from cadastre.check import check_parcels
from cadastre.places import commune_center
from permits.access import dossier_by_id
from permits.filing import AlreadyFiled, FilingError, create_draft, file_dossier
from permits.forms import (
    AdvisorForm,
    FilingForm,
    FloorAreaFormSet,
    NewDossierForm,
    ProjectForm,
    SiteForm,
)
from permits.journey import drafts, procedure_fit
from permits.journey.advisor import NO_FORMALITY, Answers, Site, advise, questions_to_ask
from permits.journey.applicant import prefill_applicant
from permits.journey.pieces_upload import pieces_page
from permits.journey.site import attach_site, save_site
from permits.models import Applicant, Dossier
from permits.models.dossiers import WorksNature
from permits.pieces.store import current_pieces
from privacy.sirene import prefill_applicant_form
from privacy.sourcing import SourcedApplicantForm
from workflow import procedures
from workflow.states import State


def _own_draft(request, pk: int) -> Dossier:
    return get_object_or_404(Dossier, pk=pk, depositor=request.user, state=State.DRAFT)


@require_http_methods(["GET"])
def choose_procedure(request):
    """The guided questionnaire (GET, works without JavaScript) and the direct choice. It
    starts from the site: what the cadastre and the planning data know is shown, not asked."""
    site_only = request.GET.get("etape") == "terrain"
    query = request.GET.copy()
    chosen = query.pop("demarche", [None])[0]  # a procedure's link on the home page
    form = AdvisorForm(query or None, site_only=site_only)
    commune = Commune.objects.order_by("pk").first()
    site, planning, check = None, None, None
    if form.is_bound and form.is_valid() and form.cleaned_data["parcels"].strip() and commune:
        check = _questionnaire_site(form, commune)
        if check is not None:
            planning = procedure_fit.planning_of(commune.insee_code)
            site = Site.from_check(check.as_dict(), planning["kind"])
    advice = None
    if form.is_bound and not site_only and form.is_valid():
        data = {k: v or 0 if k.endswith("_m2") else v for k, v in form.cleaned_data.items()}
        data.pop("parcels")
        advice = advise(Answers(**data, site=site))
    context = {
        "form": form,
        "site": site,
        "site_facts": site.facts(planning["label"]) if site else (),
        "site_parcels": [p.idu for p in check.found] if check else [],
        "ask": questions_to_ask(site),
        "advice": advice,
        "no_formality": NO_FORMALITY,
        "advised": procedures.get(advice.procedure) if advice and advice.procedure else None,
        "procedures": [procedures.get(code) for code in procedures.INITIAL_CODES],
        "new_form": NewDossierForm(initial={"procedure": chosen}),
    }
    return render(request, "permits/journey/choose.html", context)


def _questionnaire_site(form, commune):
    """The questionnaire's parcels checked against the cadastre; problems on the form."""
    check, problems = _checked_site(form.cleaned_data["parcels"], commune)
    for problem in problems:
        form.add_error("parcels", problem)
    return check


def _checked_site(parcels: str, commune):
    """(the check, None unless every parcel is found in the commune; the problems, French)."""
    try:
        check = check_parcels(parcels.splitlines(), commune.insee_code)
    except ValueError as error:  # too many references
        return None, [str(error)]
    problems = [f"{p.reference} : {p.message}" for p in check.parcels
                if not (p.found and p.in_commune)]  # fmt: skip
    return (None if problems or not check.found else check), problems


@login_required
@require_POST
def start_draft(request):
    form = NewDossierForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une démarche dans la liste.")
        return redirect("permits:choose")
    commune = Commune.objects.order_by("pk").first()
    if commune is None:
        raise Http404("no commune configured")
    data = form.cleaned_data
    with transaction.atomic():
        draft = create_draft(
            procedure=data["procedure"], commune=commune, depositor=request.user,
            **_project_answers(data), **_site_place(commune),
        )  # fmt: skip
        prefill_applicant(draft, request.user)
        check = _checked_site(data["parcels"], commune)[0] if data["parcels"].strip() else None
        if check is not None:  # checked again: the questionnaire's page may be old
            attach_site(draft, check)
    return redirect("permits:draft", pk=draft.pk)


def _project_answers(data: dict) -> dict:
    """The questionnaire's answers as the draft's project fields (tell us once)."""
    fields = {}
    if data.get("works") in WorksNature.values:  # not "information" (a CU) nor anything else
        fields["works_nature"] = data["works"]
    created, total = data.get("floor_area_m2") or 0, data.get("total_after_m2") or 0
    if created:
        fields["floor_area_created_m2"] = created
    if data.get("works") == "extension" and total > created:
        fields["floor_area_existing_m2"] = total - created
    return fields


def _site_place(commune: Commune) -> dict:
    """The site's postcode and town, known from the commune (tell us once); editable."""
    codes = referential.postcodes(commune.insee_code)
    return {"site_locality": commune.name, "site_postcode": codes[0] if len(codes) == 1 else ""}


@login_required
@require_http_methods(["GET"])
def draft_tasks(request, pk: int):
    draft = _own_draft(request, pk)
    prefetch_related_objects([draft], *drafts.CHECKED)
    tasks = drafts.tasks(draft)
    return render(
        request,
        "permits/journey/tasks.html",
        {"dossier": draft, "tasks": tasks, "ready": all(task.done for task in tasks)},
    )


def _step(request, draft, form, template, extra=None):
    return render(
        request, f"permits/journey/{template}", {"dossier": draft, "form": form, **(extra or {})}
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_applicant(request, pk: int):
    draft = _own_draft(request, pk)
    applicant = _applicant_at(draft, request.GET.get("demandeur"))
    others = draft.applicants.exclude(pk=applicant.pk).order_by("rank") if applicant.pk else \
        draft.applicants.order_by("rank")  # fmt: skip
    extra = {"applicant": applicant, "others": others,
             "next_rank": (draft.applicants.order_by("-rank").values_list("rank", flat=True)
                           .first() or 0) + 1}  # fmt: skip
    # Tell us once (issue 10): sourced fields shown as such, a lawful difference with a reason.

    if request.method == "POST" and "siret_lookup" in request.POST:
        form = prefill_applicant_form(request, applicant)
        return _step(request, draft, form, "applicant.html", extra)
    form = SourcedApplicantForm(request.POST or None, instance=applicant, depositor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _saved(request, draft, "Demandeur enregistré.")
    return _step(request, draft, form, "applicant.html", extra)


def _applicant_at(draft: Dossier, rank: str | None) -> Applicant:
    """The applicant of that rank (co-applicants are allowed: reference §1.2), a new one for
    the next free rank, and the main applicant by default."""
    applicants = draft.applicants.order_by("rank")
    if rank and rank.isdigit():
        found = applicants.filter(rank=int(rank)).first()
        if found:
            return found
        last = applicants.values_list("rank", flat=True).last() or 0
        if int(rank) == last + 1:
            return Applicant(dossier=draft, rank=last + 1)
        raise Http404("no such applicant")
    return applicants.first() or Applicant(dossier=draft, rank=1)


@login_required
@require_http_methods(["GET", "POST"])
def step_site(request, pk: int):
    draft = _own_draft(request, pk)
    form = SiteForm(request.POST or None, instance=draft)
    check = None
    if request.method == "POST" and form.is_valid():
        references = form.cleaned_data["parcels"].splitlines()
        try:
            check = check_parcels(references, draft.commune.insee_code)
        except ValueError as error:
            form.add_error("parcels", str(error))
        if check is not None:
            problems = [p for p in check.parcels if not (p.found and p.in_commune)]
            for p in problems:
                hint = f" Vouliez-vous dire : {', '.join(p.suggestions)} ?" if p.suggestions else ""
                form.add_error("parcels", f"{p.reference} : {p.message}{hint}")
            if not problems:
                save_site(form, draft, check)
                return _saved(request, draft, "Terrain enregistré.")
    elif draft.parcel_check:
        check = draft.parcel_check
    center = None
    if isinstance(check, dict) and (check.get("centroid") or {}).get("wgs84"):
        lon, lat = check["centroid"]["wgs84"]
        center = (lat, lon)
    center = center or commune_center(draft.commune.insee_code)
    return _step(
        request,
        draft,
        form,
        "site.html",
        {
            "check": check.as_dict() if hasattr(check, "as_dict") else check,
            "center": f"{center[0]:.6f},{center[1]:.6f}" if center else "",
            "tiles": settings.PERMIS_TILE_URL,
            "tiles_attribution": settings.PERMIS_TILE_ATTRIBUTION,
            "address_search": bool(settings.PERMIS_BAN_URL),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_project(request, pk: int):
    draft = _own_draft(request, pk)
    form = ProjectForm(request.POST or None, instance=draft)
    # The table is optional in a post (a client without it leaves the surfaces unchanged).
    with_table = "surfaces-TOTAL_FORMS" in request.POST
    areas = FloorAreaFormSet(request.POST if with_table else None, instance=draft,
                             prefix="surfaces")  # fmt: skip
    if request.method == "POST" and form.is_valid() and (not with_table or areas.is_valid()):
        with transaction.atomic():
            form.save()
            if with_table:
                areas.save()
        return _saved(request, draft, "Projet enregistré.")
    return _step(request, draft, form, "project.html", {"areas": areas})


@login_required
@require_http_methods(["GET", "POST"])
def step_pieces(request, pk: int):
    draft = _own_draft(request, pk)
    return pieces_page(request, draft, "permits/journey/pieces.html")


@login_required
@require_http_methods(["GET", "POST"])
def step_review(request, pk: int):
    """Check your answers, then file. Filing twice shows the dossier already filed."""
    draft = dossier_by_id(pk, with_commune=True)
    if draft is None or draft.depositor_id != request.user.pk:
        raise Http404("No Dossier matches the given query.")
    if draft.state != State.DRAFT:
        messages.info(
            request, f"Ce dossier a déjà été déposé sous le numéro {draft.display_number}."
        )
        return redirect("permits:dossier_detail", pk=draft.pk)
    # Read once for the checks and the page (drafts.CHECKED).
    prefetch_related_objects([draft], *drafts.CHECKED)
    form = FilingForm(request.POST or None)
    blocked = [t for t in drafts.tasks(draft) if not t.done]
    # The procedure against the facts (issue 16 §1): a declaration calling for a permit is
    # stopped here, with the switch offered; file_dossier refuses it too.
    mismatch = procedure_fit.mismatch(draft)
    architect = procedure_fit.architect_refusal(draft)
    if request.method == "POST" and form.is_valid() and not blocked:
        try:
            filed = file_dossier(
                draft.pk,
                actor=request.user,
                electronic_notification_consent=form.consent,
                payload={"channel": "online"},  # the confirmation mail (workflow.registry)
            )
        except AlreadyFiled as already:
            return redirect("permits:dossier_detail", pk=already.dossier.pk)
        except FilingError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"Votre dossier est déposé sous le numéro {filed.display_number}."
            )
            return redirect("permits:dossier_detail", pk=filed.pk)
    return render(
        request,
        "permits/journey/review.html",
        {
            "dossier": draft,
            "form": form,
            "blocked": blocked,
            "mismatch": mismatch,
            "architect_refusal": architect,
            "applicant": drafts.main_applicant(draft),
            "applicants": draft.applicants.all(),
            "pieces": current_pieces(draft),
            "parcels": draft.parcels.all(),
        },
    )


@login_required
@require_POST
def switch_procedure(request, pk: int):
    """One click: the draft becomes the procedure its facts call for, answers and pieces kept."""
    try:
        draft, missing = procedure_fit.switch_procedure(pk, request.user)
    except procedure_fit.CannotSwitch as refusal:
        messages.error(request, str(refusal))
        return redirect("permits:draft", pk=_own_draft(request, pk).pk)
    text = (
        f"Votre demande est désormais : {draft.get_procedure_display()} (cerfa "
        f"{draft.cerfa}). Vos réponses et vos pièces sont conservées."
    )
    if missing:
        text += " Pièces à joindre : " + ", ".join(f"{p.code} ({p.label})" for p in missing) + "."
    messages.success(request, text)
    return redirect("permits:draft", pk=draft.pk)


def _saved(request, draft: Dossier, text: str):
    messages.success(request, text + " Votre brouillon est sauvegardé.")
    return redirect(reverse("permits:draft", kwargs={"pk": draft.pk}))


@login_required
@require_http_methods(["GET"])
def my_dossiers(request):
    dossiers = Dossier.objects.filter(depositor=request.user).select_related("commune")
    return render(request, "permits/journey/dashboard.html", {"dossiers": dossiers})
