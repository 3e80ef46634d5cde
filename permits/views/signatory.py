"""The signatory's parapheur: decisions awaiting signature in the communes where the person
signs (the mayor, or a deputy under a delegation in force), a preview, sign or send back.

Signing needs a fresh re-authentication (accounts.reauth) and goes through the signing job
(permits.decisions.issuing), which fires the `sign` transition once the PDF is signed.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role
from accounts.permissions import communes_for, role_required
from accounts.reauth import is_fresh
from permits.decisions.content import ContentError
from permits.decisions.issuing import issue_decision, judgement_of, signatory_of
from permits.models import Dossier
from workflow.errors import TransitionRefused
from workflow.states import State
from workflow.transitions import fire

# How long a registered letter takes to be first presented (§8.4: 2 to 5 days); an electronic
# notification is deemed received the next day (décret 2021-981, §3.1).
LRAR_DAYS, ELECTRONIC_DAYS = 5, 1


def awaiting(user):
    return Dossier.objects.filter(
        commune__in=communes_for(user, [Role.SIGNATORY]), state=State.AWAITING_SIGNATURE
    ).select_related("commune")


def notification_risk(dossier: Dossier, today) -> str:
    """A warning when the decision may reach the applicant after the end of the délai, when
    a tacit decision would already exist (notification, not signature, counts: §3.9)."""
    end = dossier.deadline("instruction_end")
    if end is None:
        return ""
    lead = ELECTRONIC_DAYS if dossier.electronic_notification_consent else LRAR_DAYS
    if today + timedelta(days=lead) > end.date:
        way = "par voie électronique" if lead == ELECTRONIC_DAYS else "par lettre recommandée"
        return (
            f"Attention : notifiée {way}, la décision risque d'arriver après le "
            f"{end.date:%d/%m/%Y}, fin du délai d'instruction : une décision tacite serait alors "
            "déjà née."
        )
    return ""


@role_required(Role.SIGNATORY)
@require_safe
def parapheur(request):
    today = timezone.localdate()
    rows = []
    for dossier in awaiting(request.user).order_by("action_due_on"):
        rows.append({"dossier": dossier, "end": dossier.action_due_on,
                     "warning": notification_risk(dossier, today)})  # fmt: skip
    from permits.views.after_decision import parapheur_retraits  # it imports officer views

    return render(
        request,
        "permits/signatory/parapheur.html",
        {"rows": rows, "retraits": parapheur_retraits(request.user)},
    )


@role_required(Role.SIGNATORY)
@require_safe
def preview(request, pk: int):
    """The arrêté as it will be printed, marked as a draft (nothing is numbered or signed)."""
    from permits.decisions.content import decision_content
    from permits.decisions.facts import facts_from_dossier, signatory_from_membership
    from permits.decisions.rendering import render_html

    dossier = get_object_or_404(awaiting(request.user), pk=pk)
    signatory = signatory_from_membership(signatory_of(dossier, request.user))
    judgement = judgement_of(dossier)
    try:
        content = decision_content(
            facts_from_dossier(dossier),
            judgement,
            signatory,
            reference="PROJET",
            issued_on=timezone.localdate(),
        ).as_dict()
    except ContentError as refusal:  # e.g. a draft contrary to the ABF's accord (L632-2)
        messages.error(request, f"Ce projet ne peut pas être signé : {refusal}")
        return redirect("permits:parapheur")
    return HttpResponse(render_html(content))


@role_required(Role.SIGNATORY)
@require_POST
def sign(request, pk: int):
    dossier = get_object_or_404(awaiting(request.user), pk=pk)
    if not is_fresh(request):
        # Back to the parapheur afterwards (the signing itself is a POST, asked again there).
        messages.info(request, "Confirmez votre identité, puis signez à nouveau.")
        query = urlencode({"next": reverse("permits:parapheur")})
        return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
    try:
        issue_decision(dossier, request.user)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Décision du dossier {dossier.display_number} signée : le "
                         "document scellé est produit et sera notifié.")  # fmt: skip
    return redirect("permits:parapheur")


@role_required(Role.SIGNATORY)
@require_POST
def send_back(request, pk: int):
    dossier = get_object_or_404(awaiting(request.user), pk=pk)
    try:
        fire(
            dossier,
            "return_for_changes",
            actor=request.user,
            expected_state=State.AWAITING_SIGNATURE,
            comment=request.POST.get("comment", ""),
        )
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Projet renvoyé à l'instructeur.")
    return redirect("permits:parapheur")
