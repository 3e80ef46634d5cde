"""bench/timers: the nightly sweep on 1,000,000 dossiers of which 1 % are due.

Measures, in the same run and on the same data:
- finding the due dossiers through the partial index on `next_timer_on` (the sweep's query,
  with its EXPLAIN plan) against the same query forced to a full sequential scan;
- the sweep itself (firing tacit decisions through `transitions.fire`, events included) on a
  sample of the due dossiers, in dossiers per second.

Run: `bash -c 'source scripts/lib.sh && ensure_database' && .venv/bin/python bench/timers.py`
(options: --dossiers N, --due-share F, --sweep-sample N). It uses its own database
(bench_timers), kept between runs; --reseed rebuilds the rows.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PERMIS_TEST_DB_NAME"] = "bench_timers"

import django

django.setup()

from django.db import connection  # noqa: E402

TODAY = date(2026, 6, 1)
# The sweep's own query (workflow.timers.sweep): keyset pages in (next_timer_on, id) order.
DUE_QUERY = (
    "SELECT next_timer_on, id FROM permits_dossier WHERE next_timer_on <= %s "
    "AND (next_timer_on, id) > (%s, %s) ORDER BY next_timer_on, id LIMIT 500"
)


def setup_database():
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)


def seed(total: int, due_share: float):
    from accounts.models import Commune

    commune, _ = Commune.objects.get_or_create(
        insee_code="91216", defaults={"name": "Épinay-sur-Orge", "population": 11170}
    )
    due_every = round(1 / due_share)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE workflow_event, workflow_consultation, permits_applicant, "
            "permits_dossierparcel, permits_dossier RESTART IDENTITY CASCADE"
        )
        # DP dossiers filed on 21 Jan 2026, complete: due ones reach their tacit date on
        # 22 Feb; the others wait for a date far in the future (or have no timer).
        cur.execute(
            """
            INSERT INTO permits_dossier (
                procedure, state, cerfa, commune_id, number, filed_at, site_address,
                site_postcode, site_locality, description, electronic_notification_consent,
                created_at, updated_at, pieces_requested, majorations, flags, decision_outcome,
                decision_grounds, decision_prescriptions, prorogations_granted, closing_reason,
                event_count, event_head, next_timer_on)
            SELECT 'DP', 'under_instruction', '16702*01', %(commune)s,
                   'DP091216' || lpad(((g / 99999) + 10)::text, 2, '0')
                              || lpad(((g %% 99999) + 1)::text, 5, '0'),
                   '2026-01-21 10:00+01', '', '', '', '', false, now(), now(),
                   '[]', '[]', '{}', '', '[]', '[]', 0, '', 0, '',
                   CASE WHEN g %% %(every)s = 0 THEN DATE '2026-02-22'
                        WHEN g %% 10 = 1 THEN NULL
                        ELSE DATE '2027-01-01' + (g %% 300) END
            FROM generate_series(1, %(total)s) AS g
            """,
            {"commune": commune.pk, "total": total, "every": due_every},
        )
        cur.execute("ANALYZE permits_dossier")


def timed_query(forced_seq_scan: bool, repeat: int = 7) -> tuple[float, str]:
    with connection.cursor() as cur:
        if forced_seq_scan:
            cur.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        cur.execute("EXPLAIN " + DUE_QUERY, [TODAY, date.min, 0])
        plan = "\n".join(row[0] for row in cur.fetchall())
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            last, found = (date.min, 0), 0
            while True:  # the sweep's keyset pagination over all due rows
                cur.execute(DUE_QUERY, [TODAY, *last])
                rows = cur.fetchall()
                if not rows:
                    break
                found += len(rows)
                last = rows[-1]
            times.append(time.perf_counter() - start)
        cur.execute("RESET enable_indexscan; RESET enable_bitmapscan")
    return statistics.median(times), plan, found


def timed_sweep(sample: int) -> tuple[int, float]:
    from permits.models import Dossier
    from workflow.timers import sweep

    due = list(
        Dossier.objects.filter(next_timer_on__lte=TODAY)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    # Keep only the sample due, so the sweep works on exactly that many dossiers.
    Dossier.objects.filter(next_timer_on__lte=TODAY).exclude(pk__in=due).update(
        next_timer_on=date(2026, 12, 31)
    )
    start = time.perf_counter()
    report = sweep(TODAY)
    return report.dossiers, time.perf_counter() - start, dict(report.fired)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--sweep-sample", type=int, default=1000)
    args = parser.parse_args()
    setup_database()
    t0 = time.perf_counter()
    seed(args.dossiers, args.due_share)
    print(f"seeded {args.dossiers:,} dossiers in {time.perf_counter() - t0:.1f} s")
    index_time, index_plan, found = timed_query(False)
    seq_time, seq_plan, found_seq = timed_query(True)
    assert found == found_seq
    swept, sweep_time, fired = timed_sweep(args.sweep_sample)
    print("\n| measure | value |\n|---|---|")
    print(f"| dossiers / due | {args.dossiers:,} / {found:,} |")
    print(f"| find all due ids, partial index (median of 7) | {index_time * 1000:.1f} ms |")
    print(f"| same query, forced sequential scan (baseline) | {seq_time * 1000:.1f} ms |")
    print(f"| speed-up | {seq_time / index_time:.1f}x |")
    print(
        f"| sweep of {swept:,} due dossiers (fire + event + reschedule) | {sweep_time:.1f} s, "
        f"{swept / sweep_time:.0f} dossiers/s |"
    )
    print(f"| transitions fired | {fired} |")
    print("\nplan (index):\n" + index_plan + "\n\nplan (baseline):\n" + seq_plan)


if __name__ == "__main__":
    main()
