"""Timers: what happens on its own when a legal deadline passes, fired idempotently.

Each dossier keeps `next_timer_on`, the first date something may happen to it without anyone
acting (recomputed at every transition). The sweep reads only the rows whose date has come,
through a partial index, never the whole table. Firing goes through `transitions.fire`, whose
guards check the date again: a dossier whose decision was notified in time is no longer in a
state from which a tacit decision can arise.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from workflow.clock import consultation_deadline
from workflow.errors import TransitionRefused
from workflow.models import Consultation, Opinion
from workflow.states import State

logger = logging.getLogger(__name__)
S = State
_TACIT = [("arise_tacit_decision", "tacit_decision", 0)]
# state: [(transition, deadline name, days after the deadline's date)], tried in this order.
AUTOMATIC: dict[str, list[tuple[str, str, int]]] = {
    S.DEPOSITED: [("deem_complete", "completeness_deadline", 1), *_TACIT],
    S.INCOMPLETE: [("expire_pieces_window", "pieces_deadline", 1)],
    S.UNDER_INSTRUCTION: _TACIT,
    S.DECISION_PROPOSED: _TACIT,
    S.AWAITING_SIGNATURE: _TACIT,
    S.SIGNED: _TACIT,
    S.TRANSMITTED_TO_PREFET: _TACIT,
    S.EXECUTORY: [("lapse", "validity_end", 1), ("become_definitive", "", 1)],
    S.DEFINITIVE: [("lapse", "validity_end", 1)],
    S.WORKS_COMPLETED: [("close_conformity_window", "conformity_contest_deadline", 1)],
}


def instruction_model():
    return apps.get_model(settings.WORKFLOW_INSTRUCTION_MODEL)


def _due_dates(dossier) -> list[tuple[date, str]]:
    """(date from which it is due, transition) for the dossier's current state."""
    out = []
    if dossier.state == S.TACIT_GRANTED:
        if dossier.has_executory_branch:
            out.append((dossier.tacit_on, "become_executory"))
        return out
    entries = AUTOMATIC.get(dossier.state, [])
    if not entries:
        return out
    deadlines = {d.name: d.date for d in dossier.deadlines()}
    for transition, name, offset in entries:
        when = dossier.definitive_on() if transition == "become_definitive" else deadlines.get(name)
        if when is not None:
            out.append((when + timedelta(days=offset), transition))
    return out


def reschedule(dossier) -> None:
    """Recomputes the dossier's next timer date after a fact changed outside a transition."""
    fresh = with_facts(type(dossier).objects).get(pk=dossier.pk)
    type(dossier).objects.filter(pk=dossier.pk).update(
        next_timer_on=next_timer_date(fresh), action_due_on=action_due_date(fresh)
    )


def with_facts(queryset):
    """The related rows the clock reads, fetched once per dossier instead of once per use."""
    return queryset.select_related("parent").prefetch_related("consultations")


def _pending_consultations(dossier):
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


def action_due_date(dossier) -> date | None:
    name = ACTION_DEADLINES.get(dossier.state)
    if name is None:
        return None
    found = dossier.deadline(name)
    if found is None and dossier.state == S.DEPOSITED:  # a CU has no completeness month
        found = dossier.deadline("instruction_end")
    return found.date if found else None


def next_timer_date(dossier) -> date | None:
    dates = [when for when, _ in _due_dates(dossier)]
    dates += [c.due_on + timedelta(days=1) for c in _pending_consultations(dossier)]
    return min(dates, default=None)


@dataclass
class SweepReport:
    today: date
    dossiers: int = 0
    fired: Counter = field(default_factory=Counter)
    refused: int = 0

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dossiers": self.dossiers,
            "fired": dict(self.fired),
            "refused": self.refused,
        }


def due_queryset(today: date):
    return instruction_model().objects.filter(next_timer_on__lte=today)


def sweep(today: date, batch: int = 500) -> SweepReport:
    """Fires everything due on `today`. Running it twice fires nothing the second time.

    Pages through the due rows in (next_timer_on, id) order, which the partial index serves
    directly: each page costs its own size, not the number of due rows.
    """
    report = SweepReport(today)
    after = Q()
    while True:
        page = list(
            due_queryset(today)
            .filter(after)
            .order_by("next_timer_on", "pk")
            .values_list("next_timer_on", "pk")[:batch]
        )
        if not page:
            return report
        for _, pk in page:
            _process(pk, today, report)
        last_on, last_pk = page[-1]
        after = Q(next_timer_on__gt=last_on) | Q(next_timer_on=last_on, pk__gt=last_pk)


def _process(pk: int, today: date, report: SweepReport) -> None:
    from workflow.events import record_event
    from workflow.transitions import fire

    model = instruction_model()
    with transaction.atomic():
        # Another sweep (a second worker) may hold this dossier: leave it to that one.
        locked = model.objects.select_for_update(skip_locked=True, of=("self",))
        dossier = with_facts(locked).filter(pk=pk).first()
        if dossier is None or dossier.next_timer_on is None or dossier.next_timer_on > today:
            return
        report.dossiers += 1
        for consultation in _pending_consultations(dossier):
            if consultation.due_on < today:
                _tacit_opinion(dossier, consultation, record_event)
                report.fired["tacit_opinion"] += 1
        for _ in range(len(S)):  # a chain of due steps (complete, then tacit, then executory)
            due = [
                t for when, t in sorted(_due_dates(dossier), key=lambda x: x[0]) if when <= today
            ]
            if not due:
                break
            try:
                dossier = fire(dossier, due[0], actor=None, today=today)
                report.fired[due[0]] += 1
            except TransitionRefused as refusal:
                report.refused += 1
                logger.warning(
                    "timer refused",
                    extra={"dossier": pk, "transition": due[0], "reason": str(refusal)},
                )
                break
        nxt = next_timer_date(dossier)
        if nxt is not None and nxt <= today:
            nxt = today + timedelta(days=1)  # never loop on a refused step; retried tomorrow
        model.objects.filter(pk=pk).update(next_timer_on=nxt)


def _tacit_opinion(dossier, consultation: Consultation, record_event) -> None:
    """R423-59: silence of the consulted service is a favourable opinion (unfavourable for the
    ABF on a demolition in a site inscrit, R423-67-2)."""
    deadline = consultation_deadline(dossier.clock_facts(), consultation.clock_view())
    favourable = deadline.consequence.value == "tacit_favourable_opinion"
    consultation.opinion = Opinion.TACIT_FAVOURABLE if favourable else Opinion.TACIT_UNFAVOURABLE
    consultation.answered_on = consultation.due_on + timedelta(days=1)
    consultation.save(update_fields=["opinion", "answered_on"])
    record_event(
        dossier,
        "opinion_tacit",
        actor=None,
        payload={
            "consultation": consultation.pk,
            "service": consultation.service_name,
            "opinion": consultation.opinion,
            "basis": deadline.basis,
        },
    )
