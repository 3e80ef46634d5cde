"""The commune administrator's "Données de référence" page: what the commune's checks use
(cadastre millésime, documents d'urbanisme in force with their approval date, servitudes), an
upload that is simulated first and applied on confirmation, the progress of the job, and the
history of imports (who, when, which file and its SHA-256, counts, report)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Commune, Role
from accounts.permissions import SignedInRequest, communes_for, role_required
from cadastre import runs
from cadastre.importers.errors import ImportRefused
from cadastre.importers.report import REJECTION_LABELS
from cadastre.models import ImportRun
from cadastre.sources import reference_data

ADMIN_ROLES = (Role.COMMUNE_ADMIN,)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text=(
            "Cadastre Etalab (.json ou .json.gz), feuille EDIGEO de la DGFiP (.tar.bz2) ou "
            "livraison du Géoportail de l'urbanisme (.zip : PLU, PLUi, POS, PSMV, carte "
            "communale ou servitude)."
        ),
    )
    millesime = forms.DateField(
        label="Millésime du cadastre",
        required=False,
        help_text="Date de publication des données cadastrales importées.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    allow_retire = forms.BooleanField(
        label="Autoriser à retirer plus de 5 % des parcelles de la commune",
        required=False,
    )


@require_safe
@role_required(*ADMIN_ROLES)
def reference_index(request: SignedInRequest) -> HttpResponse:
    """The menu's entry: the administrator's commune, or the list when they have several."""
    communes = list(communes_for(request.user, ADMIN_ROLES))
    if len(communes) == 1:
        return redirect("cadastre:reference_data", insee_code=communes[0].insee_code)
    return render(request, "cadastre/reference_index.html", {"communes": communes})


def _commune(request: HttpRequest, insee_code: str, **kwargs: object) -> Commune:
    return get_object_or_404(Commune, insee_code=insee_code)


@require_http_methods(["GET", "POST"])
@role_required(*ADMIN_ROLES, commune=_commune)
def reference_page(request: SignedInRequest, insee_code: str) -> HttpResponse:
    """The commune's reference data and the upload: a file is only simulated here, never applied
    before the administrator has read the simulation (apply_run)."""
    commune = _commune(request, insee_code)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = runs.start(
                    commune,
                    request.user,
                    form.cleaned_data["file"],
                    millesime=form.cleaned_data["millesime"],
                    allow_retire=form.cleaned_data["allow_retire"],
                )
            except ImportRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("cadastre:import_run", insee_code=insee_code, pk=run.pk)
        status = 400
    history = ImportRun.objects.filter(commune=commune).select_related("created_by")[:50]
    return render(
        request,
        "cadastre/reference_data.html",
        {
            "commune": commune,
            "form": form,
            "history": history,
            "data": reference_data(commune.insee_code),
        },
        status=status,
    )


def _run(commune: Commune, pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk, commune=commune)


def _lines(report: dict[str, Any] | None) -> list[tuple[str, object]]:
    if not report:
        return []
    rows = [
        ("Objets lus", report.get("read")),
        ("À insérer" if report.get("dry_run") else "Insérés", report.get("inserted")),
        ("À mettre à jour" if report.get("dry_run") else "Mis à jour", report.get("updated")),
        ("Inchangés", report.get("unchanged")),
        ("À retirer" if report.get("dry_run") else "Retirés", report.get("retired")),
        ("Géométries réparées", report.get("repaired")),
        ("Rejetés", sum((report.get("rejected") or {}).values())),
    ]
    rows += [(f"dont {kind}", count) for kind, count in (report.get("counts") or {}).items()]
    return rows


def _rejections(report: dict[str, Any] | None) -> list[tuple[str, int, list[str]]]:
    samples = (report or {}).get("rejected_samples") or {}
    return [
        (REJECTION_LABELS.get(reason, reason), count, samples.get(reason, []))
        for reason, count in sorted(((report or {}).get("rejected") or {}).items())
    ]


@require_safe
@role_required(*ADMIN_ROLES, commune=_commune)
def import_run(request: SignedInRequest, insee_code: str, pk: int) -> HttpResponse:
    """One run: the applied report, or the simulation to confirm, with the rejections' reasons
    so that the administrator can fix the file first."""
    commune = _commune(request, insee_code)
    run = _run(commune, pk)
    shown = run.report or run.simulation
    return render(
        request,
        "cadastre/import_run.html",
        {
            "commune": commune,
            "run": run,
            "lines": _lines(shown),
            "rejections": _rejections(shown),
            "seconds": (shown or {}).get("seconds"),
        },
    )


@require_safe
@role_required(*ADMIN_ROLES, commune=_commune)
def import_run_state(request: SignedInRequest, insee_code: str, pk: int) -> JsonResponse:
    """What the progress bar polls (static/js/import-progress.js)."""
    run = _run(_commune(request, insee_code), pk)
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "progress": run.progress,
            "running": run.running,
        }
    )


@require_POST
@role_required(*ADMIN_ROLES, commune=_commune)
def apply_run(request: SignedInRequest, insee_code: str, pk: int) -> HttpResponse:
    """The confirmation: applies a simulated run once (a second POST finds it no longer
    waiting), in a job, since a département's file outlasts a request."""
    run = _run(_commune(request, insee_code), pk)
    if runs.apply(run):
        messages.success(request, "L'import est lancé : suivez son avancement ci-dessous.")
    else:
        messages.error(request, "Cet import n'est plus en attente de confirmation.")
    return redirect("cadastre:import_run", insee_code=insee_code, pk=run.pk)
