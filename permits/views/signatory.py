"""The signatory's parapheur: decisions awaiting signature in the communes where the person
signs (the mayor, or a deputy under a delegation in force), a preview, sign or send back.

Signing needs a fresh re-authentication (accounts.reauth) and goes through the signing job
(permits.decisions.issuing), which fires the `sign` transition once the PDF is signed; until
then the decision is shown as being signed, no longer to sign. Several decisions are signed in
one batch after one re-authentication, each still issued and signed on its own.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django_fsm import can_proceed

from accounts.models import Role
from accounts.permissions import communes_for, role_required
from accounts.reauth import is_fresh
from permits.after_decision import announce_retrait, parapheur_retraits
from permits.decisions.content import ContentError, decision_content
from permits.decisions.facts import facts_from_dossier, signatory_from_membership
from permits.decisions.issuing import issue_decision, judgement_of, signatory_of
from permits.decisions.rendering import render_html
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from permits.typed_fields import keep_typed, typed_back
from workflow import clock
from workflow.errors import TransitionRefused
from workflow.models.instruction import RETRAIT_SOURCES
from workflow.states import State
from workflow.transitions import fire

# The parapheur warns this many days before the délai's last day (local policy).
WARNING_DAYS = 7
# How long a registered letter takes to be first presented (§8.4: 2 to 5 days); an electronic
# notification is deemed received the next day (décret 2021-981, §3.1).
LRAR_DAYS, ELECTRONIC_DAYS = 5, 1


def awaiting(user):
    """Decisions awaiting the signature of the user's communes, including those being signed."""
    return Dossier.objects.filter(
        commune__in=communes_for(user, [Role.SIGNATORY]), state=State.AWAITING_SIGNATURE
    ).select_related("commune")


def _being_signed():
    pending = IssuedDocument.objects.filter(
        kind=DocumentKind.DECISION, status=DocumentStatus.PENDING
    )
    return Exists(pending.filter(dossier=OuterRef("pk")))


def to_sign(user):
    """Awaiting signature, and not already signed and waiting for the signing job."""
    return awaiting(user).exclude(_being_signed())


BATCH_KEY = "parapheur_batch"  # the selection kept across the re-authentication


def deadline_status(dossier: Dossier, today) -> dict:
    """What the parapheur says of the délai (§3.9, §8.4): before its last day, the date by
    which the decision must be *notified* and what silence gives, with a warning as it nears;
    after it, the tacit decision that arose instead of a signature button."""
    late = dossier.tacit_decision_notice(today)
    if late:
        return {"late": late}
    tacit = dossier.deadline("tacit_decision")
    if tacit is None:
        return {}
    last_day = tacit.date - timedelta(days=1)
    days_left = (last_day - today).days
    status = {
        "last_day": last_day,
        "silence": f"à défaut, {tacit.consequence.label} le {clock.format_fr(tacit.date)} "
        f"({tacit.basis})",
    }
    warning = notification_risk(dossier, today)
    if not warning and days_left <= WARNING_DAYS:
        when = (
            "aujourd'hui"
            if days_left == 0
            else (f"dans {days_left} jour{'s' if days_left > 1 else ''}")
        )
        warning = (
            f"Le délai d'instruction expire {when}, le {last_day:%d/%m/%Y} : la décision doit "
            "être notifiée au plus tard ce jour-là."
        )
    return status | {"warning": warning}


def late_tacit_decisions(user, today):
    """Dossiers whose tacit decision arose while their decision waited in this parapheur, as
    long as the law still lets the commune act on it (the L424-5 retrait window) and no retrait
    procedure was started: each with the explanation and, for a tacit grant still in force,
    the offer to start the retrait."""
    dossiers = (
        Dossier.objects.filter(
            commune__in=communes_for(user, [Role.SIGNATORY]),
            state__in=[State.TACIT_GRANTED, State.TACIT_REJECTED, *RETRAIT_SOURCES],
            tacit_on__isnull=False,
            retrait_letter_on__isnull=True,
            events__kind="arise_tacit_decision",
            events__from_state=State.AWAITING_SIGNATURE,
        )
        .select_related("commune")
        .distinct()
        .order_by("tacit_on")
    )
    rows = []
    for dossier in dossiers:
        if dossier.state != State.TACIT_REJECTED and dossier.retrait_refusal(today) is not None:
            continue  # nothing left to decide: the tacit grant can no longer be withdrawn
        if dossier.state == State.TACIT_REJECTED and not dossier.refusal_still_contestable(today):
            continue  # the applicant's appeal period is over too (CJA R421-1)
        rows.append(
            {
                "dossier": dossier,
                "notice": dossier.tacit_decision_notice(today),
                "can_start_retrait": can_proceed(dossier.announce_retrait),
            }
        )
    return rows


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
    """The signatory's parapheur: decisions to sign in the order of their délais, and the retraits
    to pronounce."""
    today = timezone.localdate()
    rows = []
    for dossier in to_sign(request.user).order_by("action_due_on"):
        rows.append(
            {"dossier": dossier, "end": dossier.action_due_on, **deadline_status(dossier, today)}
        )
    return render(
        request,
        "permits/signatory/parapheur.html",
        {
            "rows": rows,
            "being_signed": awaiting(request.user).filter(_being_signed()).order_by("pk"),
            "selected": request.session.get(BATCH_KEY, []),
            "retraits": parapheur_retraits(request.user),
            "tacit_rows": late_tacit_decisions(request.user, today),
            "typed": typed_back(request),
        },
    )


@role_required(Role.SIGNATORY)
@require_safe
def preview(request, pk: int):
    """The arrêté as it will be printed, marked as a draft (nothing is numbered or signed)."""
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
    response = HttpResponse(render_html(content))
    # The document's own inline style (the same HTML as the PDF) and its QR code, nothing else:
    # no script (default-src 'none'), no request; the site's policy would refuse the style.
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


@role_required(Role.SIGNATORY)
@require_POST
def sign(request, pk: int):
    """Signs one decision after a fresh re-authentication; a second click finds the same pending
    document."""
    # `awaiting`, not `to_sign`: a second click on a decision already being signed finds it and
    # gets the same pending document back (issue_decision is idempotent), not a 404.
    dossier = get_object_or_404(awaiting(request.user), pk=pk)
    if not is_fresh(request):
        return _reauthenticate(request, "Confirmez votre identité, puis signez à nouveau.")
    try:
        issue_decision(dossier, request.user)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"Décision du dossier {dossier.display_number} signée : le "
            "document scellé est produit et sera notifié.",
        )
    return redirect("permits:parapheur")


def _reauthenticate(request, text: str):
    # Back to the parapheur afterwards (the signing itself is a POST, asked again there).
    messages.info(request, text)
    query = urlencode({"next": reverse("permits:parapheur")})
    return redirect(f"{reverse('accounts:reauthenticate')}?{query}")


@role_required(Role.SIGNATORY)
@require_POST
def sign_batch(request):
    """The decisions ticked, signed one after the other after one re-authentication; one
    refused (a tacit decision arose, an ABF accord contradicted) does not stop the others."""
    chosen = sorted({int(v) for v in request.POST.getlist("dossier") if v.isdigit()})
    if not chosen:
        messages.error(request, "Cochez les décisions à signer.")
        return redirect("permits:parapheur")
    if not is_fresh(request):
        request.session[BATCH_KEY] = chosen
        return _reauthenticate(
            request, "Confirmez votre identité, puis signez la sélection, qui est conservée."
        )
    request.session.pop(BATCH_KEY, None)
    signed = []
    for dossier in to_sign(request.user).filter(pk__in=chosen).order_by("action_due_on", "pk"):
        try:
            issue_decision(dossier, request.user)
        except (TransitionRefused, ContentError) as refusal:
            messages.error(request, f"{dossier.display_number} : {refusal}")
        else:
            signed.append(dossier.display_number)
    if signed:
        plural = "s" if len(signed) > 1 else ""
        messages.success(
            request,
            f"{len(signed)} décision{plural} signée{plural} : "
            f"{', '.join(signed)}. Les documents scellés sont produits un à un "
            "et seront notifiés.",
        )
    return redirect("permits:parapheur")


@role_required(Role.SIGNATORY)
@require_POST
def start_retrait(request, pk: int):
    """After a tacit grant arose while the decision waited here: the signatory starts the
    retrait's contradictory procedure (L424-5; CRPA L121-1, L122-1), as the officer can from
    the instruction page; the retrait itself is pronounced later from this parapheur."""
    today = timezone.localdate()
    rows = {r["dossier"].pk: r for r in late_tacit_decisions(request.user, today)}
    if pk not in rows or not rows[pk]["can_start_retrait"]:
        raise Http404("Aucune procédure de retrait ne peut être engagée sur ce dossier.")
    try:
        done = announce_retrait(rows[pk]["dossier"], request)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, pk, "start_retrait", str(refusal))
        return redirect(reverse("permits:parapheur") + f"#start_retrait-{pk}")
    else:
        messages.success(request, done)
    return redirect(reverse("permits:parapheur") + "#decisions-tacites")


@role_required(Role.SIGNATORY)
@require_POST
def send_back(request, pk: int):
    """Sends a decision back to the officer with the signatory's comment."""
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
        keep_typed(request, dossier.pk, "send_back", str(refusal))
        return redirect(reverse("permits:parapheur") + f"#send_back-{dossier.pk}")
    else:
        messages.success(request, "Projet renvoyé à l'instructeur.")
    return redirect("permits:parapheur")
