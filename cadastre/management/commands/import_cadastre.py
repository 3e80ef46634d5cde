"""`python manage.py import_cadastre PATH…`: Etalab parcel GeoJSON (`.json`, `.json.gz`) and
raw EDIGEO sheets (`.tar.bz2`), upserted by IDU (cadastre.importers.parcels)."""

import json
from datetime import date
from itertools import chain
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadastre.importers import edigeo, etalab
from cadastre.importers.geojson import GeoJSONError
from cadastre.importers.parcels import load
from cadastre.importers.report import ImportReport
from cadastre.imports import recorded_import


class Command(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    help = (
        "Importe des parcelles cadastrales : fichiers Etalab GeoJSON (.json, .json.gz, commune "
        "ou département) ou feuilles EDIGEO de la DGFiP (.tar.bz2). Les parcelles absentes d'un "
        "nouvel import sont retirées (jamais supprimées)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--millesime", type=date.fromisoformat, help="millésime des données (AAAA-MM-JJ)"
        )
        parser.add_argument(
            "--departement", help="département des feuilles EDIGEO (déduit du nom de fichier)"
        )
        parser.add_argument(
            "--no-retire",
            action="store_true",
            help="ne retire pas les parcelles absentes (import partiel d'une commune)",
        )
        parser.add_argument("--json", action="store_true", help="rapport en JSON")

    def handle(self, *args, paths, millesime, departement, no_retire, json: bool, **options):
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
        kinds = {_kind(p) for p in paths}
        if len(kinds) > 1:
            raise CommandError("Importez les fichiers GeoJSON et les feuilles EDIGEO séparément.")
        kind = kinds.pop()
        report = ImportReport()
        if kind == "edigeo":
            rows = chain.from_iterable(edigeo.read(p, report, departement) for p in paths)
        else:
            show = options.get("verbosity", 1) > 0
            rows = chain.from_iterable(etalab.read(p, report, progress=show) for p in paths)
        try:
            with recorded_import("cadastre"):
                load(rows, report, source=kind, millesime=millesime, retire=not no_retire)
        except (GeoJSONError, edigeo.EdigeoError) as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié : {exc}") from exc
        print_report(self, report, json)


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".tar.bz2"):
        return "edigeo"
    if name.endswith((".json", ".json.gz", ".geojson", ".geojson.gz")):
        return "etalab"
    raise CommandError(f"Format non reconnu : {path.name} (.json, .json.gz ou .tar.bz2 attendu)")


def print_report(command: BaseCommand, report: ImportReport, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.lines():
            command.stdout.write(line)
