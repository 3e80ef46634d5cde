"""What the dossier page (permits.views.dossiers) shows the applicant beyond the facts: the
pieces awaited, the acts open to them (withdrawal, follow-ups, confirmation after sursis) and
the after-decision steps (permits.after_decision)."""

from __future__ import annotations

from django_fsm import can_proceed

from permits import follow_ups
from permits.after_decision import applicant_context as after_decision_context
from permits.models import Dossier
from permits.pieces.store import current_pieces
from workflow.states import State


def applicant_context(dossier: Dossier, user) -> dict:
    """What the dossier page shows the applicant beyond the facts."""
    if dossier.depositor_id != user.pk:
        return {}
    awaited = set(dossier.pieces_requested) if dossier.state == State.INCOMPLETE else set()
    received = (
        {code for code, p in current_pieces(dossier).items() if p.after_filing}
        if awaited
        else set()
    )
    return {
        "is_applicant": True,
        "awaited_pieces": sorted(awaited),
        "awaited_missing": sorted(awaited - received),
        "can_withdraw": can_proceed(dossier.withdraw),
        # Follow-up forms (permits.views.follow_ups), each pre-filled from this permit.
        "can_declare_doc": follow_ups.can_declare_doc(dossier),
        "can_declare_daact": follow_ups.can_declare_daact(dossier),
        "can_ask_prorogation": follow_ups.can_ask_prorogation(dossier),
        "can_modify_or_transfer": follow_ups.can_modify_or_transfer(dossier),
        "can_confirm": can_proceed(dossier.confirm_after_sursis),
        **after_decision_context(dossier),  # retrait letter, conformity attestation
    }
