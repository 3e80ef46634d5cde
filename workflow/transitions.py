"""Firing a transition: the one entry point for every state change of a dossier.

`fire` checks the actor's role (as declared in workflow.registry), locks the dossier row,
refuses a stale attempt, runs the transition (its guards raise TransitionRefused with a French
message), reschedules the timers, saves, appends the event and sends `transition_fired`, whose
receivers issue the transition's letters, queue its mails and apply the effects on a parent
dossier, all in one transaction: either everything happens or nothing does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django_fsm import can_proceed

from workflow import schedule
from workflow.actors import Actor, as_actor, roles_for
from workflow.errors import NotAllowed, StaleDossier, TransitionRefused
from workflow.events import record_event
from workflow.registry import declaration
from workflow.signals import transition_fired
from workflow.states import State

if TYPE_CHECKING:
    from accounts.models import User
    from workflow.models import Instruction

D = TypeVar("D", bound="Instruction")  # fire returns the dossier's own model (permits.Dossier)


def _payload(kwargs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, date | datetime):
            value = value.isoformat()
        out[key] = value
    return out


def fire(
    dossier: D,
    name: str,
    *,
    actor: Actor | User | None,
    expected_state: str | None = None,
    payload: dict[str, Any] | None = None,
    **kwargs: Any,
) -> D:
    """Runs transition `name` on `dossier` for `actor` (a user, an Actor, or None for the
    system) and returns the dossier as saved. `expected_state` is the state the actor saw
    (by default the state of the instance passed in): if the dossier moved on meanwhile, the
    attempt is refused instead of silently overwriting."""
    declared = declaration(name)  # ValueError for an unknown name
    actor = as_actor(actor)
    expected_state = expected_state or dossier.state
    model = type(dossier)
    with transaction.atomic():
        locked = schedule.with_facts(model.objects.select_for_update(of=("self",))).get(
            pk=dossier.pk
        )
        if locked.state != expected_state:
            raise StaleDossier(
                f"Le dossier est passé à l'état « {State(locked.state).label} » entre-temps : "
                "rechargez la page avant d'agir."
            )
        if not declared.roles & roles_for(actor, locked):
            raise NotAllowed(f"Votre rôle ne permet pas cet acte : {declared.label}.")
        method = getattr(locked, name)
        if not can_proceed(method):
            raise TransitionRefused(
                f"Acte impossible dans l'état « {State(locked.state).label} » : {declared.label}."
            )
        from_state = locked.state
        method(**kwargs)
        locked.next_timer_on = schedule.next_timer_date(locked)
        locked.action_due_on = schedule.action_due_date(locked)
        locked.save()
        record_event(
            locked,
            name,
            actor=actor,
            from_state=from_state,
            to_state=locked.state,
            payload=_payload(kwargs) | (payload or {}),
        )
        transition_fired.send(
            sender=model,
            instance=locked,
            name=name,
            actor=actor,
            declaration=declared,
            arguments=kwargs,
            payload=payload or {},
        )
    return locked
