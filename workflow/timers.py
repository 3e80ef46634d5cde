"""Timers: what happens on its own when a legal deadline passes, fired idempotently.

Each dossier keeps `next_timer_on`, the first date something may happen to it without anyone
acting (recomputed at every transition by workflow.schedule, from the timers declared in
workflow.registry). The sweep reads only the rows whose date has come, through a partial index,
never the whole table. Firing goes through `transitions.fire`, whose
guards check the date again: a dossier whose decision was notified in time is no longer in a
state from which a tacit decision can arise.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from workflow.clock import consultation_deadline
from workflow.errors import TransitionRefused
from workflow.events import record_event
from workflow.models import Consultation, Instruction, Opinion
from workflow.schedule import due_dates, next_timer_date, pending_consultations, with_facts
from workflow.states import State
from workflow.transitions import fire

logger = logging.getLogger(__name__)
S = State


def instruction_model() -> type[Instruction]:
    """The concrete dossier model (settings.WORKFLOW_INSTRUCTION_MODEL): workflow sweeps it
    without importing permits."""
    # The setting names a subclass of Instruction (permits.Dossier); get_model only knows Model.
    return cast(type[Instruction], apps.get_model(settings.WORKFLOW_INSTRUCTION_MODEL))


@dataclass
class SweepReport:
    """What one sweep did, logged and returned by the job and the command."""

    today: date
    dossiers: int = 0
    fired: Counter[str] = field(default_factory=Counter)
    refused: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready fields, for the log's `extra` and the command's output."""
        return {
            "today": self.today.isoformat(),
            "dossiers": self.dossiers,
            "fired": dict(self.fired),
            "refused": self.refused,
        }


def due_queryset(today: date) -> QuerySet[Instruction]:
    """The dossiers whose next timer date has come, read through the partial index."""
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
    model = instruction_model()
    with transaction.atomic():
        # Another sweep (a second worker) may hold this dossier: leave it to that one.
        locked = model.objects.select_for_update(skip_locked=True, of=("self",))
        dossier = with_facts(locked).filter(pk=pk).first()
        if dossier is None or dossier.next_timer_on is None or dossier.next_timer_on > today:
            return
        report.dossiers += 1
        for consultation in pending_consultations(dossier):
            if consultation.due_on < today:
                _tacit_opinion(dossier, consultation)
                report.fired["tacit_opinion"] += 1
        for _ in range(len(S)):  # a chain of due steps (complete, then tacit, then executory)
            due = [t for when, t in sorted(due_dates(dossier), key=lambda x: x[0]) if when <= today]
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


def _tacit_opinion(dossier: Instruction, consultation: Consultation) -> None:
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
