"""The dossier page's opening (issue 19): one sentence — the decision is due on …, otherwise …
on … — and a short timeline (done, now, next), from the clock's deadlines; the full table of
délais stays below, one click away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflow.clock import format_fr
from workflow.states import AWAITING_DECISION, State

STATUS_LABELS = {"done": "Fait", "now": "En cours", "next": "À venir"}
NEXT_SHOWN = 2  # the nearest dates ahead; the table has all of them


@dataclass(frozen=True)
class Step:
    label: str
    when: date | None
    status: str  # done, now, next

    @property
    def status_label(self) -> str:
        """The step's status in words, not only as a colour (WCAG 1.4.1)."""
        return STATUS_LABELS[self.status]


def due_sentence(dossier, deadlines) -> str:
    """While a decision is awaited: the last day to notify it, and what silence gives after
    (the tacit decision's date and articles, as the clock computed them: L424-2, R424-1)."""
    if dossier.state not in AWAITING_DECISION:
        return ""
    tacit = next((d for d in deadlines if d.name == "tacit_decision"), None)
    if tacit is None:  # e.g. pieces awaited: the délai does not run yet (R423-39)
        return ""
    last_day = tacit.date - timedelta(days=1)
    return (
        f"La décision doit vous être notifiée au plus tard le {format_fr(last_day)} ; à défaut : "
        f"{tacit.consequence.label} le {format_fr(tacit.date)} ({tacit.basis})."
    )


def timeline(dossier, deadlines, today: date) -> list[Step]:
    """The dossier's past steps, where it is and the next deadlines, for the applicant's page."""
    steps = []
    if dossier.filed_on:
        steps.append(Step("Demande déposée", dossier.filed_on, "done"))
    if dossier.pieces_requested_on:
        steps.append(Step("Pièces manquantes demandées", dossier.pieces_requested_on, "done"))
    steps.append(Step(State(dossier.state).label, None, "now"))
    ahead = sorted((d for d in deadlines if d.date >= today), key=lambda d: d.date)
    steps += [Step(d.label, d.date, "next") for d in ahead[:NEXT_SHOWN]]
    return steps
