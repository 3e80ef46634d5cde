"""`python manage.py import_sup PATH`: a servitude (SUP) delivery of the Géoportail de
l'urbanisme."""

from django.core.management.base import BaseCommand, CommandError

from cadastre.importers.gpu import DeliveryError, import_sup
from cadastre.importers.report import ImportReport
from cadastre.management.commands.import_cadastre import print_report


class Command(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    help = (
        "Importe une servitude d'utilité publique au standard CNIG (dossier de la livraison "
        "GPU : servitudes, générateurs, assiettes, actes). Une nouvelle livraison la remplace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args, path, json, **options):
        try:
            report = import_sup(path, ImportReport())
        except DeliveryError as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)
