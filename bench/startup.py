"""Benchmark: how long a `manage.py` command takes to start, against a bare `django.setup()` of
the same settings, in the same run.

    .venv/bin/python bench/startup.py [--runs 7]

Each measure is a fresh process (nothing cached but the .pyc files, warmed by one unrecorded
round), and the commands alternate round by round so that a change in the machine's load
touches them alike. Per command: the median and the max of the wall time, the median CPU time
(user + system, which the load of other processes inflates less than the wall time), and the
verdict of the median wall time against the budget (BUDGET_S). `check` minus the bare set-up is what
the project adds: the URLconf and its views, and the system checks.

No database is needed (none of these commands connects); the load average is printed with the
results because this machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BUDGET_S = 1.0
COMMANDS = {
    "bare django.setup()": [PYTHON, "-c", "import django; django.setup()"],
    "manage.py check": [PYTHON, "manage.py", "check"],
    "manage.py deadlines --help": [PYTHON, "manage.py", "deadlines", "--help"],
    "manage.py help": [PYTHON, "manage.py", "help"],
}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    port = env.get("PERMIS_PG_PORT", "5439")
    env.setdefault("DATABASE_URL", f"postgis://permis:permis@127.0.0.1:{port}/permis")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the .pyc files are part of a normal start
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process (CPU: its user + system time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True)
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="recorded rounds (default 7)")
    args = parser.parse_args()
    env = environment()
    load_before = os.getloadavg()
    for argv in COMMANDS.values():  # warm-up: .pyc files written, disk cache filled
        run_once(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            wall, cpu = run_once(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load_after = os.getloadavg()

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{now}, commit {commit()}, {os.cpu_count()} cores, {args.runs} runs per command")
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        "(a shared machine: other processes' load inflates the wall times)\n"
    )
    print(f"| command | median wall | max wall | median CPU | budget {BUDGET_S:.1f} s |")
    print("|---|---|---|---|---|")
    for name in COMMANDS:
        median = statistics.median(walls[name])
        verdict = "PASS" if median <= BUDGET_S else "MISS"
        print(
            f"| {name} | {median:.2f} s | {max(walls[name]):.2f} s "
            f"| {statistics.median(cpus[name]):.2f} s | {verdict} |"
        )
    bare = statistics.median(walls["bare django.setup()"])
    check = statistics.median(walls["manage.py check"])
    print(f"\nmanage.py check − bare set-up: {check - bare:+.2f} s (URLconf, views, checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
