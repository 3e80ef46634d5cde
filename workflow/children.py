"""Follow-up procedures (§8.1): a child instruction filed on an autorisation, and what its
outcome changes on the parent, in the same transaction as the child's transition."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.dispatch import receiver

from workflow import clock, schedule
from workflow.errors import TransitionRefused
from workflow.events import record_event
from workflow.outcomes import Outcome
from workflow.signals import transition_fired
from workflow.states import State
from workflow.transitions import fire

if TYPE_CHECKING:
    from workflow.actors import Actor
    from workflow.models import Instruction

S = State
# The autorisation is valid and its works unfinished (reference §8.5).
VALID = {S.EXECUTORY, S.DEFINITIVE, S.TACIT_GRANTED, S.WORKS_OPENED}
MAX_PROROGATIONS = 2  # R424-21 (permits); a CU may be prorogated by 1-year periods (R410-17)


def check_can_file(parent: Instruction, procedure: str, on: date) -> None:
    """Refuses a follow-up the parent's state or the law does not allow, in French. DOC and
    DAACT are checked by the parent's own transition, fired when they are filed."""
    if procedure in ("MODIFICATIF", "TRANSFERT") and parent.state not in VALID:
        raise TransitionRefused(
            "Une demande de modification ou de transfert porte sur une autorisation en cours "
            "de validité dont les travaux ne sont pas achevés."
        )
    if procedure == "PROROGATION":
        if parent.state not in {S.EXECUTORY, S.DEFINITIVE, S.TACIT_GRANTED, S.NOTIFIED}:
            raise TransitionRefused(
                "Seule une autorisation en cours de validité peut être prorogée."
            )
        if not parent.is_certificate and parent.prorogations_granted >= MAX_PROROGATIONS:
            raise TransitionRefused(
                "Une autorisation ne peut être prorogée que deux fois (R424-21)."
            )
        limit = parent.deadline("prorogation_request_deadline")
        if limit is not None and on > limit.date:
            raise TransitionRefused(
                f"La demande de prorogation devait être déposée au plus tard le "
                f"{clock.format_fr(limit.date)}, deux mois avant l'expiration (R424-22)."
            )


def _declared(child: Instruction) -> dict[str, Any]:
    """What a DOC or DAACT declares (dates as ISO strings)."""
    declared: dict[str, Any] = child.declared or {}
    return declared


def _declared_date(child: Instruction, key: str) -> date | None:
    value = _declared(child).get(key)
    return date.fromisoformat(value) if value else child.filed_on


def _granted(child: Instruction) -> bool:
    return child.decision_outcome in (Outcome.GRANT, Outcome.TACIT_GRANT)


@receiver(transition_fired)
def after_transition(
    sender: type[Instruction], instance: Instruction, name: str, actor: Actor, **kwargs: Any
) -> None:
    """Carries a child's outcome to its parent (events on the parent say so), in the child's
    transaction (the hook of `transitions.fire`, connected in WorkflowConfig.ready)."""
    child = instance
    parent = child.parent if child.parent_id else None
    if parent is None:
        return

    if name == "submit" and child.procedure == "DOC":
        # R424-16: the works began on the date the DOC declares (by default, its filing).
        fire(parent, "open_works", actor=actor, on=_declared_date(child, "opened_on"))
    elif name == "submit" and child.procedure == "DAACT":
        if _declared(child).get("scope") == "partial":
            # Cerfa 13408: a DAACT for one part of the works; the others go on.
            record_event(parent, "partial_completion", actor=actor, payload={"child": child.pk})
        else:
            # R462-6: the conformity window runs from the receipt of the DAACT.
            fire(parent, "complete_works", actor=actor, on=child.filed_on)
    elif (
        child.procedure == "PROROGATION"
        and child.state in (S.NOTIFIED, S.TACIT_GRANTED)
        and _granted(child)
    ):
        # R424-21/23: one more year of validity, from the end of the current one.
        type(parent).objects.filter(pk=parent.pk).update(
            prorogations_granted=parent.prorogations_granted + 1
        )
        record_event(parent, "prorogated", actor=actor, payload={"child": child.pk})
        schedule.reschedule(parent)
    elif child.procedure == "TRANSFERT" and child.state == S.NOTIFIED and _granted(child):
        record_event(parent, "transferred", actor=actor, payload={"child": child.pk})
    elif child.procedure == "MODIFICATIF" and child.state == S.EXECUTORY:
        record_event(parent, "modified", actor=actor, payload={"child": child.pk})
