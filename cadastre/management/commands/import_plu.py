"""`python manage.py import_plu PATH`: a PLU/PLUi delivery of the Géoportail de l'urbanisme."""

from django.core.management.base import BaseCommand, CommandError

from cadastre.importers.gpu import DeliveryError, import_plu
from cadastre.importers.report import ImportReport
from cadastre.management.commands.import_cadastre import print_report


class Command(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    help = (
        "Importe le zonage (ZONE_URBA) d'un PLU ou PLUi au standard CNIG : dossier de la "
        "livraison GPU ou fichier ZONE_URBA. Une nouvelle livraison du même document le remplace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args, path, json, **options):
        try:
            report = import_plu(path, ImportReport())
        except DeliveryError as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)
