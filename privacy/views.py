"""The person's data pages, the privacy notices and the access log for a commune's
administrator."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Commune, Role
from accounts.permissions import login_required, role_required
from permits.forms import NewDossierForm
from permits.models import Dossier
from privacy import conf
from privacy.models import AccessLog, PrivacyNotice
from privacy.my_data import CannotClose, close_account, export_zip
from privacy.retention import delete_draft
from privacy.reuse import draft_from
from workflow.states import State


@require_safe
def notice_index(request):
    """The privacy notices, one per commune (the only one directly)."""
    communes = Commune.objects.order_by("name")
    if len(communes) == 1:
        return redirect("privacy:notice", insee_code=communes[0].insee_code)
    return render(request, "privacy/notice_index.html", {"communes": communes})


@require_safe
def notice(request, insee_code: str):
    """The commune's privacy notice (GDPR art. 13), its retention periods read from the settings in
    force."""
    commune = get_object_or_404(Commune, insee_code=insee_code)
    details = PrivacyNotice.objects.filter(commune=commune).first()
    context = {
        "commune": commune,
        "details": details,
        "draft_months": conf.draft_retention_months(),
        "reminder_days": conf.draft_reminder_days(),
        "claims_days": conf.claims_retention_days(),
    }
    return render(request, "privacy/notice.html", context)


@require_safe
@login_required
def my_data(request):
    """What the site holds about the person, and the ways to get it or close the account."""
    return render(
        request,
        "privacy/my_data.html",
        {"dossier_count": request.user.deposited_dossiers.count()},
    )


@require_safe
@login_required
def export(request):
    """The person's data as a zip download (GDPR art. 15 and 20)."""
    response = HttpResponse(export_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.zip"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def close(request):
    """Closes the account once confirmed (art. 17); filed dossiers stay as public records."""
    error = ""
    if request.method == "POST":
        if request.POST.get("confirmation", "").strip().upper() != "CLÔTURER":
            error = "Recopiez le mot CLÔTURER pour confirmer."
        else:
            try:
                close_account(request.user)
            except CannotClose as refusal:
                error = str(refusal)
            else:
                logout(request)
                messages.success(request, "Votre compte est clos.")
                return redirect("home")
    return render(request, "privacy/close.html", {"error": error}, status=400 if error else 200)


def _commune(request, insee_code):
    return get_object_or_404(Commune, insee_code=insee_code)


@require_safe
@role_required(Role.COMMUNE_ADMIN, commune=_commune)
def access_log(request, insee_code: str):
    """Who read which dossier of the commune, for its administrator."""
    commune = _commune(request, insee_code)
    entries = AccessLog.objects.filter(dossier__commune=commune).select_related(
        "agent", "service_account", "dossier"
    )
    number = request.GET.get("dossier", "").strip()
    if number:
        entries = entries.filter(dossier__number__icontains=number.replace(" ", ""))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/access_log.html",
        {"commune": commune, "page": page, "number": number},
    )


@require_safe
@login_required
def reuse(request):
    """The person's earlier dossiers, to start a new one from."""
    earlier = request.user.deposited_dossiers.select_related("commune").prefetch_related(
        "applicants"
    )
    return render(request, "privacy/reuse.html", {"dossiers": earlier, "form": NewDossierForm()})


@require_POST
@login_required
def reuse_start(request, pk: int):
    """Starts a draft from an earlier dossier of the same person."""
    earlier = get_object_or_404(Dossier, pk=pk, depositor=request.user)
    form = NewDossierForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une démarche dans la liste.")
        return redirect("privacy:reuse")
    draft = draft_from(earlier, form.cleaned_data["procedure"], request.user)
    messages.success(
        request,
        "Le demandeur et le terrain ont été repris de votre dossier précédent : vérifiez-les.",
    )
    return redirect("permits:draft", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@login_required
def delete_draft_view(request, pk: int):
    """Deletes the person's own draft and its files, after confirmation."""
    draft = get_object_or_404(Dossier, pk=pk, depositor=request.user, state=State.DRAFT)
    if request.method == "POST":
        delete_draft(draft)
        messages.success(request, "Le brouillon et ses pièces ont été supprimés.")
        return redirect("permits:dashboard")
    return render(request, "privacy/delete_draft.html", {"dossier": draft})
