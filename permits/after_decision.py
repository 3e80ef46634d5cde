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

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from accounts.permissions import communes_for
from permits.decisions.issuing import issue_letter
from permits.instructing import posted_lines, required_signatory
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus
from permits.notify import email_applicant
from workflow.errors import TransitionRefused
from workflow.models.instruction import RETRAIT_REPLY_DAYS, RETRAIT_SOURCES
from workflow.states import State
from workflow.transitions import fire

AFTER_KINDS = (
    DocumentKind.RETRAIT_NOTICE,
    DocumentKind.RETRAIT,
    DocumentKind.CONFORMITY_NOTICE,
    DocumentKind.CONFORMITY_ATTESTATION,
)


def _decision_date(dossier: Dossier):
    """The date the retrait window runs from (L424-5): signature, or the tacit decision."""
    if dossier.decision_signed_at:
        return timezone.localdate(dossier.decision_signed_at), False
    return dossier.tacit_on, True


def _reply_until(letter_on):
    """The last day for the holder's observations; `retract` is possible the day after."""
    return letter_on + timedelta(days=RETRAIT_REPLY_DAYS - 1)


def _retrait_deadline(dossier: Dossier, today):
    """The end of the L424-5 window printed in the letters; the machine refuses when it is
    closed or when there is none (`Instruction.retrait_refusal`), before any letter."""
    refusal = dossier.retrait_refusal(today)
    if refusal is not None:
        raise refusal
    return dossier.deadline("retrait_deadline").date


# --- the officer's acts -----------------------------------------------------------------------


def announce_retrait(dossier: Dossier, request) -> str:
    """CRPA L121-1, L122-1: the letter announcing the intended retrait and its grounds, with the
    time to answer. Sent only while the retrait itself is still possible (the machine's
    `announce_retrait` refuses otherwise, citing L424-5)."""
    grounds = posted_lines(request.POST.get("grounds"))
    today = timezone.localdate()
    if not grounds:
        raise TransitionRefused("Indiquez les motifs d'illégalité justifiant le retrait envisagé.")
    retrait_deadline = _retrait_deadline(dossier, today)
    required_signatory(dossier)  # the retrait itself will need one (L424-5)
    decided, tacit = _decision_date(dossier)
    with transaction.atomic():
        dossier = fire(
            dossier,
            "announce_retrait",
            actor=request.user,
            expected_state=request.POST.get("state"),
            payload={"grounds": grounds},
            on=today,
        )
        issue_letter(
            dossier,
            request.user,
            DocumentKind.RETRAIT_NOTICE,
            grounds=tuple(grounds),
            decision_date=decided,
            tacit=tacit,
            retrait_deadline=retrait_deadline,
            reply_until=_reply_until(today),
        )
    email_applicant(
        dossier,
        "Procédure de retrait de votre autorisation",
        "La commune envisage de retirer votre autorisation (article L424-5 du code de "
        "l'urbanisme). La lettre qui en expose les motifs est sur la page du dossier. Vous "
        f"pouvez présenter vos observations jusqu'au {_reply_until(today):%d/%m/%Y} inclus, "
        "par la messagerie du dossier (articles L121-1 et L122-1 du code des relations entre "
        "le public et l'administration).",
    )
    return "Procédure de retrait engagée : la lettre au titulaire est en cours de signature."


def retract(dossier: Dossier, request) -> str:
    """L424-5: the arrêté de retrait, after the reply period, within the 3 months, pronounced
    and signed by the signatory (request.user)."""
    reason = (request.POST.get("reason") or "").strip()
    today = timezone.localdate()
    retrait_deadline = _retrait_deadline(dossier, today)
    decided, tacit = _decision_date(dossier)
    letter_on = dossier.retrait_letter_on
    observations = (
        letter_on is not None
        and dossier.messages.filter(from_applicant=True, sent_at__date__gte=letter_on).exists()
    )
    with transaction.atomic():
        dossier = fire(
            dossier,
            "retract",
            actor=request.user,
            expected_state=request.POST.get("state"),
            reason=reason,
            on=today,
        )
        issue_letter(
            dossier,
            request.user,
            DocumentKind.RETRAIT,
            reason=reason,
            decision_date=decided,
            tacit=tacit,
            retrait_deadline=retrait_deadline,
            letter_on=letter_on,
            observations_received=observations,
        )
    email_applicant(
        dossier,
        "Retrait de votre autorisation",
        "Votre autorisation a été retirée (article L424-5 du code de l'urbanisme). L'arrêté de "
        "retrait, avec les voies de recours, est sur la page du dossier.",
    )
    return "Retrait prononcé : l'arrêté de retrait est en cours de signature."


def contest_conformity(dossier: Dossier, request) -> str:
    """R462-6, R462-9: the contest within the window, with the formal notice."""
    items = posted_lines(request.POST.get("non_conformities"))
    window = dossier.deadline("conformity_contest_deadline")
    with transaction.atomic():
        dossier = fire(
            dossier,
            "contest_conformity",
            actor=request.user,
            expected_state=request.POST.get("state"),
            reason="\n".join(items),
            on=timezone.localdate(),
        )
        issue_letter(
            dossier,
            request.user,
            DocumentKind.CONFORMITY_NOTICE,
            non_conformities=tuple(items),
            daact_received=dossier.daact_received_on,
            contest_deadline=window.date,
        )
    email_applicant(
        dossier,
        "Conformité des travaux contestée",
        "La commune conteste la conformité de vos travaux et vous met en demeure de déposer un "
        "permis modificatif ou de mettre les travaux en conformité (article R462-9 du code de "
        "l'urbanisme). Le courrier est sur la page du dossier.",
    )
    return "Conformité contestée : la mise en demeure est en cours de signature."


def declare_interruption(dossier: Dossier, request) -> str:
    """R424-17: works interrupted for more than a year, as found by the officer."""
    dossier = fire(
        dossier,
        "declare_interruption_lapse",
        actor=request.user,
        expected_state=request.POST.get("state"),
        reason=request.POST.get("reason", ""),
    )
    email_applicant(
        dossier,
        "Autorisation périmée",
        "Les travaux ayant été interrompus pendant plus d'un an, votre autorisation est "
        "périmée (article R424-17 du code de l'urbanisme). Le détail est sur la page du dossier.",
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
            ctx["retrait_reply_until"] = _reply_until(letter_on)
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
        rows.append({
            "dossier": dossier,
            "grounds": "\n".join((event.payload or {}).get("grounds", []) if event else []),
            "reply_until": _reply_until(dossier.retrait_letter_on),
            "from": dossier.retrait_letter_on + timedelta(days=RETRAIT_REPLY_DAYS),
            "until": window.date if window else None,
        })  # fmt: skip
    return rows


# --- the holder ------------------------------------------------------------------------------


def applicant_context(dossier: Dossier) -> dict:
    """For the depositor's dossier page: the retrait reply period, the attestation."""
    out = {}
    if dossier.state in RETRAIT_SOURCES and dossier.retrait_letter_on is not None:
        out["retrait_reply_until"] = _reply_until(dossier.retrait_letter_on)
    if dossier.state == State.CONFORM:
        attestation = dossier.issued_documents.filter(
            kind=DocumentKind.CONFORMITY_ATTESTATION
        ).first()
        out["can_request_attestation"] = attestation is None
        out["attestation_pending"] = (
            attestation is not None and attestation.status == DocumentStatus.PENDING
        )
    return out
