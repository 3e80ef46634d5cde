"""When a dossier's next timer falls due and when the authority must act, recomputed at every
transition (`transitions.fire`) and after a fact changes outside one (`reschedule`). The dates
come from the clock and from the timers declared on the transitions (workflow.registry); the
sweep that fires them is workflow.timers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Manager, QuerySet

from workflow import registry
from workflow.states import State

if TYPE_CHECKING:
    from workflow.models import Consultation, Instruction

S = State
D = TypeVar("D", bound="Instruction")


def due_dates(dossier: Instruction) -> list[tuple[date, str]]:
    """(date from which it is due, transition) for the dossier's current state."""
    out: list[tuple[date, str]] = []
    deadlines: dict[str, date] | None = None
    for declared in registry.timed(dossier.state):
        timer = declared.timer
        if timer is None:  # timed() returns only the declarations with a timer
            continue
        if timer.applies is not None and not timer.applies(dossier):
            continue
        if deadlines is None:
            deadlines = {d.name: d.date for d in dossier.deadlines()}
        when = _timer_date(dossier, timer.on, deadlines)
        if when is not None:
            out.append((when + timedelta(days=timer.days), declared.name))
    return out


def _timer_date(dossier: Instruction, on: str, deadlines: dict[str, date]) -> date | None:
    """A clock deadline's date, else the dossier's own date field or method named `on`."""
    if on in deadlines:
        return deadlines[on]
    value = getattr(dossier, on, None)
    when: date | None = value() if callable(value) else value
    return when


def reschedule(dossier: Instruction) -> None:
    """Recomputes the dossier's next timer date after a fact changed outside a transition."""
    fresh = with_facts(type(dossier).objects).get(pk=dossier.pk)
    type(dossier).objects.filter(pk=dossier.pk).update(
        next_timer_on=next_timer_date(fresh), action_due_on=action_due_date(fresh)
    )


def with_facts(queryset: QuerySet[D] | Manager[D]) -> QuerySet[D]:
    """The related rows the clock reads, fetched once per dossier instead of once per use."""
    return queryset.select_related("parent").prefetch_related("consultations")


def pending_consultations(dossier: Instruction) -> list[Consultation]:
    """The consultations still awaiting an answer: each has a timer (its tacit opinion,
    R423-59); an unsaved dossier has none."""
    return [c for c in dossier.consultations.all() if c.answered_on is None] if dossier.pk else []


# state: the deadline the authority must act before, for the worklist's risk order.
ACTION_DEADLINES = {
    S.DEPOSITED: "completeness_deadline",
    S.INCOMPLETE: "pieces_deadline",
    S.UNDER_INSTRUCTION: "instruction_end",
    S.DECISION_PROPOSED: "instruction_end",
    S.AWAITING_SIGNATURE: "instruction_end",
    S.SIGNED: "instruction_end",
    S.TRANSMITTED_TO_PREFET: "instruction_end",
    S.WORKS_COMPLETED: "conformity_contest_deadline",
}


def action_due_date(dossier: Instruction) -> date | None:
    """The date the authority must act by in this state (stored as `action_due_on`), so that
    the worklist sorts by risk with an index instead of running the clock per row."""
    name = ACTION_DEADLINES.get(dossier.state)
    if name is None:
        return None
    found = dossier.deadline(name)
    if found is None and dossier.state == S.DEPOSITED:  # a CU has no completeness month
        found = dossier.deadline("instruction_end")
    return found.date if found else None


def next_timer_date(dossier: Instruction) -> date | None:
    """The first day something may happen to the dossier on its own (stored as
    `next_timer_on`), so that the sweep reads only the rows due."""
    dates = [when for when, _ in due_dates(dossier)]
    dates += [c.due_on + timedelta(days=1) for c in pending_consultations(dossier)]
    return min(dates, default=None)
