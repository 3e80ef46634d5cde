"""bench/statistics_page: the statistics page's figures (permits.stats) on the 100,000 dossiers of
bench/load.py, against two baselines in the same run:
- the previous implementation, which fetched every decided dossier and took the median in
  Python (plus one count per figure);
- the floor: one `count(*)` over the same dossiers.

The load benchmark's dossiers carry no decision dates: inside a transaction rolled back at the
end, the executory and refused ones get a notification date, one in seven becomes tacit and the
undecided ones get an action date spread around today. bench_load is left as it was.

Run (after bench/load.py has seeded bench_load once):
`bash -c 'source scripts/lib.sh && ensure_database' && .venv/bin/python bench/statistics_page.py`
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "postgis://permis:permis@127.0.0.1:5439/bench_load"

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.permissions import communes_for  # noqa: E402
from permits import stats  # noqa: E402
from permits.models import Dossier  # noqa: E402
from permits.stats import STATISTICS_ROLES  # noqa: E402
from workflow.states import AWAITING_DECISION  # noqa: E402

RUNS = 7


class Rollback(Exception):
    pass


def decide_some():
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE permits_dossier SET
              decision_outcome = CASE WHEN id %% 7 = 0 THEN 'tacit_grant' ELSE 'grant' END,
              tacit_on = CASE WHEN id %% 7 = 0 THEN filed_at::date + 32 END,
              decision_notified_on = CASE WHEN id %% 7 <> 0
                                          THEN filed_at::date + (20 + id %% 60)::int END
            WHERE state IN ('executory', 'refused')""",
            [],
        )
        cur.execute(
            "UPDATE permits_dossier SET action_due_on = current_date + (id %% 60)::int - 10 "
            "WHERE state IN ('deposited', 'under_instruction')",
            [],
        )
        cur.execute("ANALYZE permits_dossier")


def previous(dossiers, today):
    """The page's former queries: a median in Python over every decided row."""
    dossiers = dossiers.exclude(state="draft")
    list(dossiers.values("state").annotate(n=Count("pk")).order_by("state"))
    list(dossiers.values("procedure").annotate(n=Count("pk")).order_by("procedure"))
    durations: dict[str, list[int]] = {}
    decided = dossiers.exclude(decision_notified_on=None).exclude(filed_at=None)
    for procedure, filed_at, notified in decided.values_list(
        "procedure", "filed_at", "decision_notified_on"
    ):
        durations.setdefault(procedure, []).append((notified - filed_at.date()).days)
    {p: statistics.median(v) for p, v in durations.items()}
    outcomes = dossiers.exclude(decision_outcome="")
    outcomes.filter(decision_outcome__startswith="tacit").count()
    outcomes.count()
    dossiers.filter(state__in=AWAITING_DECISION, action_due_on__lte=today + timedelta(7)).count()


def timed(function) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    today = timezone.localdate()
    officer = User.objects.get(username="bench_officer")
    dossiers = Dossier.objects.filter(commune__in=communes_for(officer, STATISTICS_ROLES))
    total = dossiers.count()
    if not total:
        sys.exit("bench_load has no dossiers: run bench/load.py once first.")
    try:
        with transaction.atomic():
            decide_some()
            figures = stats.compute(dossiers, today)
            new = timed(lambda: stats.compute(dossiers, today))
            old = timed(lambda: previous(dossiers, today))
            floor = timed(lambda: dossiers.count())
            with connection.cursor() as cur:
                connection.queries_log.clear()
                connection.force_debug_cursor = True
                stats.compute(dossiers, today)
                plans = []
                for query in connection.queries:
                    cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + query["sql"])
                    plans.append("\n".join(r[0] for r in cur.fetchall()))
                connection.force_debug_cursor = False
            raise Rollback
    except Rollback:
        pass
    print(
        f"dossiers: {total:,}; decided: {figures.decided:,} ({figures.tacit_percent} % tacit);"
        f" at risk: {figures.at_risk_total:,}"
    )
    print("\n| measure (median of 7, in-process) | time |\n|---|---|")
    print(f"| permits.stats.compute (3 grouped queries) | {new * 1000:.1f} ms |")
    print(f"| previous implementation (median in Python) | {old * 1000:.1f} ms |")
    print(f"| floor: count(*) of the same dossiers | {floor * 1000:.1f} ms |")
    for plan in plans:
        print("\n" + plan)


if __name__ == "__main__":
    main()
