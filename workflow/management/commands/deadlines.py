"""`python manage.py deadlines --type PCMI --filed 2026-01-31 …`: the whole statutory
computation as JSON (each deadline: name, date, consequence, basis). A stable interface for
officers and integrators asking "what if"; it reads no database. A question may also start from
the decision (`--type PC --decision-signed D --prefet-ack D`, no `--filed`).

Bad input (an unknown option or value, facts that contradict each other) prints one French line
on stderr and exits with status 2, the usual status of a command-line usage error; never a
traceback."""

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from workflow.clock import CliError, compute_deadlines, facts_from_cli, to_json_dict

USAGE_ERROR = 2


class Command(BaseCommand):
    """Parses its own argv with the clock's parser, so its errors are French and exit 2."""

    help = "Calcule tous les délais légaux d'une demande et les affiche en JSON."
    requires_system_checks = []

    def run_from_argv(self, argv: list[str]) -> None:
        """Skips Django's parser: the clock owns the option parsing (workflow.clock.report), so
        the command and the library accept exactly the same options."""
        try:
            facts = facts_from_cli(argv[2:])
        except CliError as error:
            sys.stderr.write(f"deadlines : erreur : {error}\n")
            sys.stderr.write("Aide : python manage.py deadlines --help\n")
            sys.exit(USAGE_ERROR)
        except SystemExit as exit_:  # --help
            sys.exit(exit_.code)
        report = to_json_dict(compute_deadlines(facts), facts)
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")

    def handle(self, *args: Any, **options: Any) -> NoReturn:
        """Reached only through call_command, which bypasses run_from_argv: usage error."""
        sys.stderr.write("Usage : python manage.py deadlines --type PCMI --filed AAAA-MM-JJ …\n")
        sys.exit(USAGE_ERROR)
