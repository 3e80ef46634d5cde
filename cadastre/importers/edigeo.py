"""Raw DGFiP EDIGEO sheets (`edigeo-{commune}{préfixe}{section}{feuille}.tar.bz2`, reference
§5.2) read through GDAL's EDIGEO driver → ParcelRow.

EDIGEO's IDU has 12 characters (no département, §5.1): the département comes from the sheet's
file name, or from the caller.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException

from cadastre.idu import Idu, InvalidIdu, departement_of
from cadastre.importers.errors import ImportRefused
from cadastre.importers.ogr import UnknownCRSError, layer_srid
from cadastre.importers.parcels import ParcelRow
from cadastre.importers.report import ImportReport

SHEET_NAME_RE = re.compile(
    r"^edigeo-(?P<commune>(?:\d{2}|2[AB])\d{3})(?P<prefixe>\d{3})(?P<section>[0-9A-Z]{2})"
    r"(?P<feuille>\d{2})\.tar\.bz2$",
    re.IGNORECASE,
)


MAX_SHEET_BYTES = 256 << 20  # a sheet is a few hundred kB; more is a decompression bomb


class EdigeoError(ImportRefused):
    pass


def sheet_of(path: Path) -> tuple[str, str]:
    """(sheet id `25354000AB01`, département) from the file name."""
    match = SHEET_NAME_RE.match(path.name)
    if not match:
        raise EdigeoError(
            f"{path.name} : nom de feuille DGFiP attendu, "
            "edigeo-<commune><préfixe><section><feuille>.tar.bz2"
        )
    parts = match.groupdict()
    sheet = "".join(parts[k] for k in ("commune", "prefixe", "section", "feuille")).upper()
    return sheet, departement_of(parts["commune"])


def read(
    path: str | Path, report: ImportReport, departement: str | None = None
) -> Iterator[ParcelRow]:
    """The parcels of one DGFiP EDIGEO sheet (.tar.bz2), as the Etalab reader gives them, so
    both formats share one loader; the archive is extracted with the `data` filter and a size
    cap, since it comes from an upload."""
    path = Path(path)
    sheet, file_departement = sheet_of(path)
    departement = departement or file_departement
    with tempfile.TemporaryDirectory(prefix="edigeo-") as tmp:
        try:
            with tarfile.open(path, "r:bz2") as archive:
                members = archive.getmembers()
                if sum(m.size for m in members) > MAX_SHEET_BYTES:
                    raise EdigeoError(f"{path.name} : archive trop volumineuse une fois extraite")
                archive.extractall(tmp, filter="data")  # refuses absolute paths and links out
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise EdigeoError(f"{path.name} : archive illisible ({exc})") from exc
        thf = sorted(Path(tmp).rglob("*.THF"))
        if not thf:
            raise EdigeoError(f"{path.name} : aucun fichier .THF dans l'archive")
        try:
            source = DataSource(str(thf[0]))
            layer = source["PARCELLE_id"]
        except (GDALException, IndexError, KeyError) as exc:
            raise EdigeoError(f"{path.name} : aucune couche de parcelles ({exc})") from exc
        try:
            srid = layer_srid(layer)
        except UnknownCRSError as exc:
            raise EdigeoError(f"{path.name} : {exc}") from exc
        for feature in layer:
            report.read += 1
            raw = feature.get("IDU") or ""
            try:
                idu = Idu.from_edigeo(raw, departement)
            except InvalidIdu:
                report.reject("invalid_idu", raw)
                continue
            if not sheet.startswith(idu.commune):
                report.reject("idu_mismatch", str(idu))
                continue
            geom = feature.geom
            if geom is None or geom.geom_type.name not in ("Polygon", "MultiPolygon"):
                report.reject("geometry_not_polygonal" if geom else "geometry_missing", str(idu))
                continue
            supf = feature.get("SUPF")
            coar = (feature.get("COAR") or "").strip()
            yield ParcelRow(
                idu=str(idu),
                commune=idu.commune,
                prefixe=idu.prefixe,
                section=idu.section,
                numero=idu.numero,
                contenance=int(supf) if supf not in (None, "") else None,
                arpente=(coar == "A") if coar else None,  # COAR 'A': arpentée (§5.2)
                created=str(feature.get("CREAT_DATE") or "") or None,
                updated=str(feature.get("UPDATE_DATE") or "") or None,
                wkb=bytes(geom.wkb),
                srid=srid,
                sheet=sheet,
            )
