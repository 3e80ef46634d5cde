"""`python manage.py run_timers [--today DATE]`: fires every due timer once (the procrastinate
periodic task does the same each night). Safe to run again: nothing fires twice."""

import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflow.timers import sweep


class Command(BaseCommand):
    """The timers' sweep on demand (a date in the past or the future for a what-if)."""

    help = "Déclenche les échéances arrivées (décisions tacites, avis tacites, péremption…)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """--today, so that a sweep can be replayed for a given day."""
        parser.add_argument("--today", help="date of the sweep, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Sweeps once and prints the report as one JSON line, for cron logs."""
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError(f"--today must be YYYY-MM-DD, got {options['today']!r}") from None
        report = sweep(today or timezone.localdate())
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
