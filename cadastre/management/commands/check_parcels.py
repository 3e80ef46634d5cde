"""`python manage.py check_parcels --commune INSEE REF…`: the parcel check of cadastre.check."""

import json as _json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadastre.check import MAX_REFERENCES, check_parcels


class Command(BaseCommand):
    requires_system_checks = []  # a data tool: it needs the models, not the URLs and views
    help = (
        "Vérifie les parcelles d'une demande : existence, commune, contiguïté, surfaces, zones "
        "du PLU et servitudes traversées, et leurs effets sur la procédure. REF : identifiant "
        "de 14 caractères ou section et numéro (ex. AB37)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("refs", nargs="+", metavar="REF")
        parser.add_argument("--commune", required=True, help="code INSEE de la commune du dossier")
        parser.add_argument("--site", type=Path, help="périmètre dessiné (GeoJSON, WGS84)")
        parser.add_argument("--json", action="store_true", help="résultat complet en JSON")

    def handle(
        self,
        *args: Any,
        refs: list[str],
        commune: str,
        site: Path | None,
        json: bool,
        **options: Any,
    ) -> None:
        if len(refs) > MAX_REFERENCES:
            raise CommandError(f"{MAX_REFERENCES} parcelles au plus.")
        geometry = None
        if site:
            try:
                data = _json.loads(site.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Périmètre illisible : {exc}") from exc
            geometry = data.get("geometry", data) if data.get("type") == "Feature" else data
        result = check_parcels(refs, commune, geometry)
        if json:
            self.stdout.write(_json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for parcel in result.parcels:
            state = "trouvée" if parcel.found else "non trouvée"
            line = f"{parcel.reference:<16} {parcel.idu or '-':<15} {state}"
            if parcel.found:
                line += f", {parcel.area_m2:.0f} m² (contenance {parcel.contenance_m2 or '?'} m²)"
                line += f", ensemble {parcel.unit}"
            self.stdout.write(line)
        if result.found:
            self.stdout.write(
                f"Surface : {result.area_m2:.0f} m² ; contenances : {result.contenance_m2} m² ; "
                f"{result.units} ensemble(s) contigu(s) ; centre {result.centroid_wgs84}"
            )
        for zone in result.zones:
            self.stdout.write(
                f"Zone {zone['libelle']} ({zone['typezone']}, {zone['idurba']}) : "
                f"{zone['share']:.0%}" + (" — ILLUSTRATIF" if zone["illustrative"] else "")
            )
        for item in result.servitudes:
            self.stdout.write(
                f"Servitude {item['category']} {item['name']} ({item['kind']}, {item['mode']})"
            )
        for message in result.messages:
            self.stdout.write(f"- {message}")
