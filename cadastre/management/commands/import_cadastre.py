"""`python manage.py import_cadastre PATH…`: Etalab parcel GeoJSON (`.json`, `.json.gz`) and
raw EDIGEO sheets (`.tar.bz2`), upserted by IDU (cadastre.importers.parcels)."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadastre.importers.errors import ImportRefused
from cadastre.importers.parcel_files import import_parcel_files, kind_of
from cadastre.importers.report import ImportReport
from cadastre.imports import recorded_import


class Command(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    help = (
        "Importe des parcelles cadastrales : fichiers Etalab GeoJSON (.json, .json.gz, commune "
        "ou département) ou feuilles EDIGEO de la DGFiP (.tar.bz2). Les parcelles absentes d'un "
        "nouvel import sont retirées (jamais supprimées)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--millesime", type=date.fromisoformat, help="millésime des données (AAAA-MM-JJ)"
        )
        parser.add_argument(
            "--departement", help="département des feuilles EDIGEO (déduit du nom de fichier)"
        )
        parser.add_argument(
            "--commune", help="code INSEE attendu : refuse un fichier d'une autre commune"
        )
        parser.add_argument(
            "--no-retire",
            action="store_true",
            help="ne retire pas les parcelles absentes (import partiel d'une commune)",
        )
        parser.add_argument(
            "--allow-retire",
            action="store_true",
            help="autorise à retirer plus de 5 % des parcelles d'une commune",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="simule l'import et n'enregistre rien"
        )
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args: Any, paths: list[Path], json: bool, **options: Any) -> None:
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
        try:
            kind_of(paths)
            with recorded_import("cadastre"):
                report = import_parcel_files(
                    paths,
                    ImportReport(),
                    millesime=options["millesime"],
                    departement=options["departement"],
                    commune=options["commune"],
                    retire=not options["no_retire"],
                    allow_retire=options["allow_retire"],
                    dry_run=options["dry_run"],
                    progress=options.get("verbosity", 1) > 0,
                )
        except ImportRefused as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)


def print_report(command: BaseCommand, report: ImportReport, as_json: bool) -> None:
    """One output for the three import commands: French lines for the operator, or the JSON a
    script reads (--json)."""
    if as_json:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.lines():
            command.stdout.write(line)
