"""After the decision: retrait (L424-5 after the contradictory step of CRPA L121-1/L122-1), the
conformity contest (R462-6, R462-9) and its attestation (R462-10), the lapse for interrupted
works (R424-17). Reference §3.12 and §3.14.

The acts (each fires one transition and, where the law asks for a document, prepares it in the
same transaction, sealed with the commune's seal by the signing job and naming the officer as
its author) and what the instruction page, the parapheur and the dossier page show of them; the
views that call them are in permits.views.after_decision (officer and signatory) and
permits.views.signatory (a retrait started from the parapheur).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from accounts.permissions import communes_for
from permits.act_forms import posted_lines
from permits.instructing import required_signatory
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus
from workflow.errors import TransitionRefused
from workflow.models.instruction import RETRAIT_REPLY_DAYS, RETRAIT_SOURCES
from workflow.registry import retrait_reply_until
from workflow.states import State
from workflow.transitions import fire

AFTER_KINDS = (
    DocumentKind.RETRAIT_NOTICE,
    DocumentKind.RETRAIT,
    DocumentKind.CONFORMITY_NOTICE,
    DocumentKind.CONFORMITY_ATTESTATION,
)


def _machine_allows_retrait(dossier: Dossier, today) -> None:
    """The machine's reason first when the L424-5 window is closed or there is none
    (`Instruction.retrait_refusal`), before any other check of the act."""
    refusal = dossier.retrait_refusal(today)
    if refusal is not None:
        raise refusal


# --- the officer's acts -----------------------------------------------------------------------


def announce_retrait(dossier: Dossier, request) -> str:
    """CRPA L121-1, L122-1: the letter announcing the intended retrait and its grounds, with the
    time to answer. Sent only while the retrait itself is still possible (the machine's
    `announce_retrait` refuses otherwise, citing L424-5)."""
    grounds = posted_lines(request.POST.get("grounds"))
    today = timezone.localdate()
    if not grounds:
        raise TransitionRefused("Indiquez les motifs d'illégalité justifiant le retrait envisagé.")
    _machine_allows_retrait(dossier, today)
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
    today = timezone.localdate()
    _machine_allows_retrait(dossier, today)
    fire(  # with its arrêté and its mail (workflow.registry, permits.signals)
        dossier,
        "retract",
        actor=request.user,
        expected_state=request.POST.get("state"),
        reason=reason,
        on=today,
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


def officer_context(dossier: Dossier) -> dict:
    """What the instruction page's "Après la décision" section shows (one query for documents;
    the clock is computed from the row)."""
    today = timezone.localdate()
    state = dossier.state
    ctx = {"today": today, "reply_days": RETRAIT_REPLY_DAYS}
    ctx["documents"] = list(
        dossier.issued_documents.filter(kind__in=AFTER_KINDS).order_by("created_at")
    )
    if can_proceed(dossier.announce_retrait):  # the machine's source states
        window = dossier.deadline("retrait_deadline")
        if window is not None:
            ctx["retrait_deadline"] = window.date
            ctx["retrait_refusal"] = dossier.retrait_refusal(today)  # why it is closed
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
        state__in=RETRAIT_SOURCES,
        retrait_letter_on__isnull=False,
    ).select_related("commune")


def parapheur_retraits(user) -> list[dict]:
    """The parapheur's "Retraits à prononcer": each with its grounds, dates and window."""
    rows = []
    for dossier in retraits_to_pronounce(user).order_by("retrait_letter_on"):
        window = dossier.deadline("retrait_deadline")
        event = dossier.events.filter(kind="announce_retrait").order_by("-sequence").first()
        rows.append(
            {
                "dossier": dossier,
                "grounds": "\n".join((event.payload or {}).get("grounds", []) if event else []),
                "reply_until": retrait_reply_until(dossier.retrait_letter_on),
                "from": dossier.retrait_letter_on + timedelta(days=RETRAIT_REPLY_DAYS),
                "until": window.date if window else None,
            }
        )
    return rows


# --- the holder ------------------------------------------------------------------------------


def applicant_context(dossier: Dossier) -> dict:
    """For the depositor's dossier page: the retrait reply period, the attestation."""
    out = {}
    if dossier.state in RETRAIT_SOURCES and dossier.retrait_letter_on is not None:
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
