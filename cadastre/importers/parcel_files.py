"""One entry point for parcel files, shared by `import_cadastre` and the administrator's
import page: Etalab GeoJSON or EDIGEO sheets → the bulk loader, with its guards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import chain
from pathlib import Path

from cadastre.idu import cadastral_codes
from cadastre.importers import edigeo, etalab
from cadastre.importers.errors import ImportRefused
from cadastre.importers.parcels import load
from cadastre.importers.report import ImportReport


def kind_of(paths: Sequence[Path]) -> str:
    """`etalab` or `edigeo`, refusing unknown extensions and a mix of both."""
    kinds = set()
    for path in paths:
        name = path.name.lower()
        if name.endswith(".tar.bz2"):
            kinds.add("edigeo")
        elif name.endswith((".json", ".json.gz", ".geojson", ".geojson.gz")):
            kinds.add("etalab")
        else:
            raise ImportRefused(
                f"Format non reconnu : {path.name} (.json, .json.gz ou .tar.bz2 attendu)"
            )
    if len(kinds) > 1:
        raise ImportRefused("Importez les fichiers GeoJSON et les feuilles EDIGEO séparément.")
    return kinds.pop()


def import_parcel_files(
    paths: Sequence[Path],
    report: ImportReport,
    *,
    millesime: date | None = None,
    departement: str | None = None,
    commune: str | None = None,
    retire: bool = True,
    allow_retire: bool = False,
    dry_run: bool = False,
    progress: bool = False,
    on_progress: Callable[[float], None] | None = None,
) -> ImportReport:
    """Import `paths` in one transaction. `commune` (an INSEE code; Paris, Lyon and Marseille
    stand for their arrondissements, §5.1) refuses a file holding another commune's parcels."""
    paths = [Path(p) for p in paths]
    kind = kind_of(paths)
    if kind == "edigeo":
        rows = chain.from_iterable(edigeo.read(p, report, departement) for p in paths)
    else:
        rows = chain.from_iterable(
            etalab.read(p, report, progress=progress, on_progress=on_progress) for p in paths
        )
    try:
        return load(
            rows,
            report,
            source=kind,
            millesime=millesime,
            retire=retire,
            allow_retire=allow_retire,
            communes=cadastral_codes(commune) if commune else None,
            dry_run=dry_run,
        )
    except ImportRefused as exc:
        message = str(exc)
        if any(message.startswith(p.name) for p in paths):
            raise
        raise ImportRefused(f"{', '.join(p.name for p in paths)} : {message}") from exc
