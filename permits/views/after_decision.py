"""After the decision: retrait (L424-5 after the contradictory step of CRPA L121-1/L122-1), the
conformity contest (R462-6, R462-9) and its attestation (R462-10), the lapse for interrupted
works (R424-17). Reference §3.12 and §3.14.

The officer acts on the instruction page; each act fires one transition, whose declaration
(workflow.registry) issues the document the law asks for in the same transaction, sealed with
the commune's seal by the signing job and naming the officer as its author (as the other
letters). The retrait itself is
a decision of the authority that granted the permit (L424-5): once the holder's reply period is
over, the signatory pronounces it from the parapheur after a fresh re-authentication, and the
arrêté de retrait is signed in their name. The holder answers the retrait letter through the
dossier's messages and asks for the attestation from the dossier page.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import communes_for, role_required
from accounts.reauth import is_fresh
from permits.act_forms import posted_lines
from permits.decisions.content import ContentError
from permits.decisions.issuing import issue_letter
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus
from permits.views.officer import INSTRUCTORS, instructed, required_signatory
from permits.views.typed import keep_typed
from workflow.errors import TransitionRefused
from workflow.models.instruction import GRANTED, RETRAIT_REPLY_DAYS
from workflow.registry import retrait_reply_until
from workflow.states import State
from workflow.transitions import fire

AFTER_KINDS = (
    DocumentKind.RETRAIT_NOTICE,
    DocumentKind.RETRAIT,
    DocumentKind.CONFORMITY_NOTICE,
    DocumentKind.CONFORMITY_ATTESTATION,
)
RETRAIT_STATES = (*GRANTED, State.WORKS_OPENED)  # announce_retrait / retract sources


def _retrait_window(dossier: Dossier):
    window = dossier.deadline("retrait_deadline")
    if window is None:
        raise TransitionRefused("Cette décision ne peut pas faire l'objet d'un retrait (L424-5).")
    return window


# --- the officer's acts -----------------------------------------------------------------------


def announce_retrait(dossier: Dossier, request) -> str:
    """CRPA L121-1, L122-1: the letter announcing the intended retrait and its grounds, with the
    time to answer. Sent only while the retrait itself is still possible (L424-5)."""
    grounds = posted_lines(request.POST.get("grounds"))
    today = timezone.localdate()
    if not grounds:
        raise TransitionRefused("Indiquez les motifs d'illégalité justifiant le retrait envisagé.")
    if dossier.retrait_letter_on is not None:
        raise TransitionRefused(
            f"Une procédure de retrait est déjà engagée depuis le "
            f"{dossier.retrait_letter_on:%d/%m/%Y}."
        )
    window = _retrait_window(dossier)
    if today > window.date:
        raise TransitionRefused(
            f"Le retrait n'est possible que jusqu'au {window.date:%d/%m/%Y} (L424-5)."
        )
    required_signatory(dossier)  # the retrait itself will need one (L424-5)
    # The letter and the mail are announce_retrait's own (workflow.registry, permits.signals).
    fire(
        dossier,
        "announce_retrait",
        actor=request.user,
        expected_state=request.POST.get("state"),
        payload={"grounds": grounds},
        on=today,
    )
    return "Procédure de retrait engagée : la lettre au titulaire est en cours de signature."


def retract(dossier: Dossier, request) -> str:
    """L424-5: the arrêté de retrait, after the reply period, within the 3 months, pronounced
    and signed by the signatory (request.user)."""
    reason = (request.POST.get("reason") or "").strip()
    _retrait_window(dossier)  # refused first when the decision cannot be retracted
    fire(  # with its arrêté and its mail (workflow.registry, permits.signals)
        dossier,
        "retract",
        actor=request.user,
        expected_state=request.POST.get("state"),
        reason=reason,
        on=timezone.localdate(),
    )
    return "Retrait prononcé : l'arrêté de retrait est en cours de signature."


def contest_conformity(dossier: Dossier, request) -> str:
    """R462-6, R462-9: the contest within the window, with the formal notice."""
    items = posted_lines(request.POST.get("non_conformities"))
    fire(  # with its formal notice and its mail (workflow.registry, permits.signals)
        dossier,
        "contest_conformity",
        actor=request.user,
        expected_state=request.POST.get("state"),
        reason="\n".join(items),
        on=timezone.localdate(),
    )
    return "Conformité contestée : la mise en demeure est en cours de signature."


def declare_interruption(dossier: Dossier, request) -> str:
    """R424-17: works interrupted for more than a year, as found by the officer."""
    fire(  # with its mail (workflow.registry, permits.signals)
        dossier,
        "declare_interruption_lapse",
        actor=request.user,
        expected_state=request.POST.get("state"),
        reason=request.POST.get("reason", ""),
    )
    return "Péremption constatée."


OFFICER_ACTS = {
    "engager-retrait": announce_retrait,
    "contester-conformite": contest_conformity,
    "interruption": declare_interruption,
}


@role_required(*INSTRUCTORS)
@require_POST
def officer_act(request, pk: int, name: str):
    dossier = get_object_or_404(instructed(request.user).select_related("commune"), pk=pk)
    try:
        if name not in OFFICER_ACTS:
            raise TransitionRefused("Acte inconnu.")
        done = OFFICER_ACTS[name](dossier, request)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, dossier.pk, name, str(refusal))
        return redirect(reverse("permits:instruction", args=[dossier.pk]) + f"#{name}")
    messages.success(request, done)
    return redirect(reverse("permits:instruction", args=[dossier.pk]) + "#apres-decision")


def officer_context(dossier: Dossier) -> dict:
    """What the instruction page's "Après la décision" section shows (one query for documents;
    the clock is computed from the row)."""
    today = timezone.localdate()
    state = dossier.state
    ctx = {"today": today, "reply_days": RETRAIT_REPLY_DAYS}
    ctx["documents"] = list(
        dossier.issued_documents.filter(kind__in=AFTER_KINDS).order_by("created_at")
    )
    if state in RETRAIT_STATES:
        window = dossier.deadline("retrait_deadline")
        if window is not None:
            ctx["retrait_deadline"] = window.date
            ctx["retrait_open"] = today <= window.date
        letter_on = dossier.retrait_letter_on
        if letter_on is not None:
            ctx["retrait_letter_on"] = letter_on
            ctx["retrait_reply_until"] = retrait_reply_until(letter_on)
            ctx["retrait_from"] = letter_on + timedelta(days=RETRAIT_REPLY_DAYS)
    if state == State.WORKS_COMPLETED:
        window = dossier.deadline("conformity_contest_deadline")
        if window is not None:
            ctx["contest_deadline"] = window.date
            ctx["contest_basis"] = window.basis
    ctx["can_declare_interruption"] = state == State.WORKS_OPENED
    ctx["shown"] = bool(
        ctx["documents"]
        or "retrait_deadline" in ctx
        or "contest_deadline" in ctx
        or ctx["can_declare_interruption"]
        or state in (State.CONFORM, State.NON_CONFORM, State.RETRACTED)
    )
    return {"after": ctx}


# --- the signatory ---------------------------------------------------------------------------


def retraits_to_pronounce(user):
    """Procedures of retrait the signatory may conclude: the letter sent, the decision still
    in force (the reply period and the 3 months are checked by `retract`)."""
    return Dossier.objects.filter(
        commune__in=communes_for(user, [Role.SIGNATORY]),
        state__in=RETRAIT_STATES,
        retrait_letter_on__isnull=False,
    ).select_related("commune")


def parapheur_retraits(user) -> list[dict]:
    """The parapheur's "Retraits à prononcer": each with its grounds, dates and window."""
    rows = []
    for dossier in retraits_to_pronounce(user).order_by("retrait_letter_on"):
        window = dossier.deadline("retrait_deadline")
        event = dossier.events.filter(kind="announce_retrait").order_by("-sequence").first()
        rows.append({
            "dossier": dossier,
            "grounds": "\n".join((event.payload or {}).get("grounds", []) if event else []),
            "reply_until": retrait_reply_until(dossier.retrait_letter_on),
            "from": dossier.retrait_letter_on + timedelta(days=RETRAIT_REPLY_DAYS),
            "until": window.date if window else None,
        })  # fmt: skip
    return rows


@role_required(Role.SIGNATORY)
@require_POST
def pronounce_retrait(request, pk: int):
    dossier = get_object_or_404(retraits_to_pronounce(request.user), pk=pk)
    if not is_fresh(request):  # as for a decision: the signatory confirms who they are
        messages.info(request, "Confirmez votre identité, puis prononcez à nouveau le retrait.")
        query = urlencode({"next": reverse("permits:parapheur")})
        return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
    try:
        done = retract(dossier, request)
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
        keep_typed(request, dossier.pk, "retract", str(refusal))
        return redirect(reverse("permits:parapheur") + f"#retract-{dossier.pk}")
    else:
        messages.success(request, done)
    return redirect(reverse("permits:parapheur") + "#retraits")


# --- the holder ------------------------------------------------------------------------------


def applicant_context(dossier: Dossier) -> dict:
    """For the depositor's dossier page: the retrait reply period, the attestation."""
    out = {}
    if dossier.state in RETRAIT_STATES and dossier.retrait_letter_on is not None:
        out["retrait_reply_until"] = retrait_reply_until(dossier.retrait_letter_on)
    if dossier.state == State.CONFORM:
        attestation = dossier.issued_documents.filter(
            kind=DocumentKind.CONFORMITY_ATTESTATION
        ).first()
        out["can_request_attestation"] = attestation is None
        out["attestation_pending"] = (
            attestation is not None and attestation.status == DocumentStatus.PENDING
        )
    return out


@login_required
@require_POST
def request_attestation(request, pk: int):
    """R462-10: once the contest window has passed without contest, the holder asks for the
    attestation; it is issued at once (the article allows 15 days), signed by the job."""
    dossier = get_object_or_404(Dossier, pk=pk, depositor=request.user)
    try:
        if dossier.state != State.CONFORM:
            raise TransitionRefused(
                "L'attestation de non-contestation ne peut être délivrée qu'une fois le délai "
                "de contestation de la conformité expiré sans contestation (R462-10)."
            )
        issue_letter(
            dossier,
            required_signatory(dossier).user,
            DocumentKind.CONFORMITY_ATTESTATION,
            daact_received=dossier.daact_received_on,
        )
    except (TransitionRefused, ContentError) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            "Attestation demandée : elle sera disponible ci-dessous, dans les documents, dès sa "
            "signature (R462-10).",
        )
    return redirect(reverse("permits:dossier_detail", args=[dossier.pk]) + "#documents")
