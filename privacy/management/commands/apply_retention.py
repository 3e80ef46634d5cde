"""Runs the retention timers by hand (the nightly job does it too): `--now` for a replay."""

import datetime
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.retention import sweep


class Command(BaseCommand):
    help = (
        "Rappels puis suppression des brouillons abandonnés, "
        "effacement des données d'identité anciennes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="date et heure ISO 8601 (par défaut : maintenant)")

    def handle(self, *args, now=None, **options):
        """Applies every retention rule now (or at --now, to check what a date would do) and prints
        the report."""
        moment = timezone.now()
        if now:
            moment = datetime.datetime.fromisoformat(now)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        self.stdout.write(json.dumps(sweep(moment).as_dict()))
