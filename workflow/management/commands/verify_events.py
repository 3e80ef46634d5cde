"""`python manage.py verify_events`: recomputes every dossier's hash chain and reports any
altered, removed or added event. Exits 1 when something is wrong."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workflow.events import Problem, verify_chain
from workflow.timers import instruction_model


class Command(BaseCommand):
    """Walks every dossier's chain (workflow.events.verify_chain); exit status 1 on a break."""

    help = "Vérifie l'intégrité du journal des événements (chaîne de hachage)."

    def handle(self, *args: Any, **options: Any) -> None:
        """Reads the dossiers with a log one by one (iterator), so memory stays flat."""
        problems: list[Problem] = []
        checked = 0
        for dossier in instruction_model().objects.filter(event_count__gt=0).iterator():
            problems += verify_chain(dossier)
            checked += 1
        for p in problems:
            where = f"event #{p.sequence}" if p.sequence else "log"
            self.stderr.write(f"dossier {p.dossier_id}, {where}: {p.message}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the event log of {checked} dossiers")
        self.stdout.write(f"event log intact: {checked} dossiers checked")
