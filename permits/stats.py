"""The figures of the statistics page (issue 8, point 6), aggregated by PostgreSQL: four
grouped queries whatever the number of dossiers (bench/statistics_page.py, docs/benchmarks.md).

- dossiers by state and by type: one GROUP BY (state, procedure);
- per type, the decisions taken, the tacit ones and the median délai from filing to the
  decision: the notification of an express decision (the délai runs until the decision is
  notified, L424-2, R424-1) or the birth of a tacit one (`tacit_on`), from the filing date in
  Paris time;
- the dossiers at risk: undecided, with an action due within seven days (or overdue), per day,
  read through the worklist's index on `action_due_on`;
- per month of filing (Paris time), the share filed online (the téléservice or PLAT'AU,
  against paper, post and e-mail at the counter): the indicator the State follows (issue 23).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, Case, Count, DateField, DurationField, F, Q, When
from django.db.models.functions import Greatest, TruncDate, TruncMonth
from django.db.models.query import QuerySet
from django.utils.formats import date_format

from accounts.models import Role
from permits.charts import BarChart, bar_chart
from permits.models.channels import Channel
from workflow.states import AWAITING_DECISION, State

PARIS = ZoneInfo("Europe/Paris")
RISK_DAYS = 7
ONLINE_CHANNELS = (Channel.ONLINE, Channel.PLATAU)
# Who sees the statistics page, over the communes where they hold one of these roles (the page,
# permits.views.public, and the agents' menu, config.context_processors).
STATISTICS_ROLES = (
    Role.OFFICER,
    Role.SERVICE_HEAD,
    Role.SIGNATORY,
    Role.COMMUNE_ADMIN,
    Role.ADMINISTRATOR,
)


class Median(Aggregate):
    """PostgreSQL's continuous median; over intervals it returns an interval."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class TypeDecisions:
    procedure: str
    decided: int
    tacit: int
    median_days: float | None


@dataclass(frozen=True)
class Statistics:
    by_state: list[tuple[str, int]]  # (label, count), in the order of the legal states
    by_type: list[tuple[str, int]]
    decisions: list[TypeDecisions]
    at_risk: list[tuple[date | None, int]]  # None: overdue; then each day from today
    online_by_month: list[tuple[date, int, int]] = ()  # (first day, filed online, all filed)

    @property
    def total(self) -> int:
        """Every dossier counted, whatever its state."""
        return sum(n for _, n in self.by_state)

    @property
    def decided(self) -> int:
        """Every decision of the period, express or tacit."""
        return sum(d.decided for d in self.decisions)

    @property
    def tacit(self) -> int:
        """The decisions that arose by silence rather than by a signed act."""
        return sum(d.tacit for d in self.decisions)

    @property
    def tacit_percent(self) -> float | None:
        """The tacit share of the decisions, None without a decision (not a misleading 0)."""
        return round(100 * self.tacit / self.decided, 1) if self.decided else None

    @property
    def at_risk_total(self) -> int:
        """The dossiers overdue or whose délai ends in the coming days, all days together."""
        return sum(n for _, n in self.at_risk)


def _decided_on():
    """The date of the decision: a tacit one arises on `tacit_on`; an express one counts from
    its notification."""
    return Case(
        When(decision_outcome__startswith="tacit", then=F("tacit_on")),
        default=F("decision_notified_on"),
        output_field=DateField(),
    )


def compute(dossiers: QuerySet, today: date) -> Statistics:
    """The figures over `dossiers` (already limited to the communes the person may see)."""
    dossiers = dossiers.exclude(state=State.DRAFT).order_by()
    states: Counter = Counter()
    types: Counter = Counter()
    for row in dossiers.values("state", "procedure").annotate(n=Count("pk")):
        states[row["state"]] += row["n"]
        types[row["procedure"]] += row["n"]
    decisions = (
        dossiers.annotate(decided_on=_decided_on())
        .filter(decided_on__isnull=False, filed_at__isnull=False)
        .values("procedure")
        .annotate(
            decided=Count("pk"),
            tacit=Count("pk", filter=Q(decision_outcome__startswith="tacit")),
            median=Median(F("decided_on") - TruncDate("filed_at", tzinfo=PARIS)),
        )
        .order_by("procedure")
    )
    overdue_marker = today - timedelta(days=1)
    risk = dict(
        dossiers.filter(
            state__in=AWAITING_DECISION, action_due_on__lte=today + timedelta(RISK_DAYS)
        )
        .annotate(day=Greatest("action_due_on", overdue_marker, output_field=DateField()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = (
        dossiers.filter(filed_at__isnull=False)
        .annotate(month=TruncMonth("filed_at", tzinfo=PARIS))
        .values("month")
        .annotate(n=Count("pk"), online=Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)))
        .order_by("month")
    )
    return Statistics(
        online_by_month=[(_day(r["month"]), r["online"], r["n"]) for r in months],
        by_state=[(s.label, states[s]) for s in State if states.get(s)],
        by_type=sorted(types.items()),
        decisions=[
            TypeDecisions(
                procedure=r["procedure"],
                decided=r["decided"],
                tacit=r["tacit"],
                median_days=(
                    r["median"].total_seconds() / 86400 if r["median"] is not None else None
                ),
            )
            for r in decisions
        ],
        at_risk=[(None, risk.get(overdue_marker, 0))]
        + [
            (today + timedelta(days), risk.get(today + timedelta(days), 0))
            for days in range(RISK_DAYS + 1)
        ],
    )


def _day(value) -> date:
    return value.date() if hasattr(value, "date") else value


def _days(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0").replace(".", ",") + " jours"


def _percent(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0").replace(".", ",") + " %"


def charts(figures: Statistics, today: date) -> list[BarChart]:
    """The page's charts, in French."""
    decisions = [d for d in figures.decisions if d.decided]
    tacit_rows = [("Toutes procédures", figures.tacit_percent, figures.tacit, figures.decided)]
    tacit_rows = tacit_rows[: 1 if decisions else 0] + [
        (d.procedure, round(100 * d.tacit / d.decided, 1), d.tacit, d.decided) for d in decisions
    ]
    risk_rows = [
        (
            "En retard"
            if day is None
            else ("Aujourd'hui" if day == today else date_format(day, "l j F")),
            n,
        )
        for day, n in figures.at_risk
    ]
    return [
        bar_chart("par-etat", "Dossiers par état", figures.by_state, ("État", "Dossiers")),
        bar_chart("par-type", "Dossiers par type", figures.by_type, ("Procédure", "Dossiers")),
        bar_chart(
            "delai-median",
            "Délai médian du dépôt à la décision, par type",
            [(d.procedure, d.median_days) for d in decisions if d.median_days is not None],
            ("Procédure", "Délai médian"),
            text=_days,
        ),
        bar_chart(
            "tacites",
            "Part des décisions tacites",
            [
                (label, pct, f"{_percent(pct)} ({n} sur {total})")
                for label, pct, n, total in tacit_rows
            ],
            ("Procédure", "Part tacite"),
        ),
        bar_chart(
            "depots-en-ligne",
            "Part des dossiers déposés en ligne, par mois de dépôt",
            [
                (
                    date_format(month, "F Y"),
                    round(100 * online / total, 1),
                    f"{_percent(round(100 * online / total, 1))} ({online} sur {total})",
                )
                for month, online, total in figures.online_by_month
            ],
            ("Mois", "Part en ligne"),
        ),
        bar_chart(
            "a-risque",
            "Dossiers à traiter dans les sept jours, par échéance",
            risk_rows,
            ("Échéance", "Dossiers"),
        ),
    ]
