"""What each letter declared on a transition (workflow.registry `letter=`) is built from: the
dossier as the transition left it and the facts of the act (its arguments and the event's
payload). permits.signals issues it inside the transition's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from permits.models import Dossier
from permits.models.documents import DocumentKind
from permits.pieces import catalogue
from workflow.clock.rules import MajorationReason
from workflow.registry import retrait_reply_until


def decision_date(dossier: Dossier) -> tuple[date | None, bool]:
    """The date the retrait window runs from (L424-5): signature, or the tacit decision; and
    whether the decision is tacit."""
    if dossier.decision_signed_at:
        return timezone.localdate(dossier.decision_signed_at), False
    return dossier.tacit_on, True


def _deadline_date(dossier: Dossier, name: str) -> date | None:
    found = dossier.deadline(name)
    return found.date if found else None


def _pieces_request(dossier: Dossier, facts: dict) -> dict:
    # R423-38: the exhaustive list, each piece with its article.
    return {
        "missing_pieces": tuple(
            f"{spec.code} – {spec.label} ({spec.basis})"
            for spec in catalogue.pieces_for(dossier.procedure)
            if spec.code in dossier.pieces_requested
        )
    }


def _majoration(dossier: Dossier, facts: dict) -> dict:
    # R423-42: every majoration notified so far.
    return {"reasons": tuple(MajorationReason[m["reason"]] for m in dossier.majorations)}


def _retrait_notice(dossier: Dossier, facts: dict) -> dict:
    decided, tacit = decision_date(dossier)
    return {
        "grounds": tuple(facts.get("grounds", ())),
        "decision_date": decided,
        "tacit": tacit,
        "retrait_deadline": _deadline_date(dossier, "retrait_deadline"),
        "reply_until": retrait_reply_until(dossier.retrait_letter_on),
    }


def _retrait(dossier: Dossier, facts: dict) -> dict:
    decided, tacit = decision_date(dossier)
    letter_on = dossier.retrait_letter_on
    return {
        "reason": dossier.closing_reason,
        "decision_date": decided,
        "tacit": tacit,
        "retrait_deadline": _deadline_date(dossier, "retrait_deadline"),
        "letter_on": letter_on,
        # The holder's observations (CRPA L122-1), answered through the dossier's messages.
        "observations_received": letter_on is not None
        and dossier.messages.filter(from_applicant=True, sent_at__date__gte=letter_on).exists(),
    }


def _conformity_notice(dossier: Dossier, facts: dict) -> dict:
    return {
        "non_conformities": tuple(dossier.closing_reason.splitlines()),
        "daact_received": dossier.daact_received_on,
        "contest_deadline": _deadline_date(dossier, "conformity_contest_deadline"),
    }


BUILT_FROM: dict[DocumentKind, Callable[[Dossier, dict], dict]] = {
    DocumentKind.PIECES_REQUEST: _pieces_request,
    DocumentKind.MAJORATION: _majoration,
    DocumentKind.RETRAIT_NOTICE: _retrait_notice,
    DocumentKind.RETRAIT: _retrait,
    DocumentKind.CONFORMITY_NOTICE: _conformity_notice,
}


def letter_arguments(kind: DocumentKind, dossier: Dossier, facts: dict) -> dict:
    """The content builder's arguments for the letter `kind` of a transition."""
    return BUILT_FROM[kind](dossier, facts)
