"""The shared skeleton of the Géoportail de l'urbanisme import commands (import_plu,
import_sup): one path, a report, nothing changed when the delivery is refused."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadastre.importers.errors import ImportRefused
from cadastre.importers.report import ImportReport
from cadastre.imports import recorded_import
from cadastre.management.commands.import_cadastre import print_report


class GpuImportCommand(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    kind = ""  # ImportExecution.kind: plu, sup

    @staticmethod
    def importer(path: str, report: ImportReport, dry_run: bool = False) -> ImportReport:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="simule l'import et n'enregistre rien"
        )
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args: Any, path: str, json: bool, dry_run: bool, **options: Any) -> None:
        try:
            with recorded_import(self.kind):
                report = self.importer(path, ImportReport(), dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)
