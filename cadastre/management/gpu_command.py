"""The shared skeleton of the Géoportail de l'urbanisme import commands (import_plu,
import_sup): one path, a report, nothing changed when the delivery is refused."""

from django.core.management.base import BaseCommand, CommandError

from cadastre.importers.gpu import DeliveryError
from cadastre.importers.report import ImportReport
from cadastre.imports import recorded_import
from cadastre.management.commands.import_cadastre import print_report


class GpuImportCommand(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    kind = ""  # ImportRun.kind: plu, sup

    @staticmethod
    def importer(path, report: ImportReport) -> ImportReport:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args, path, json, **options):
        try:
            with recorded_import(self.kind):
                report = self.importer(path, ImportReport())
        except DeliveryError as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)
