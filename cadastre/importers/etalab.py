"""Etalab `parcelles` GeoJSON (reference §5.2) → ParcelRow, rejecting what is not a parcel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cadastre.idu import IDU_RE, SECTION_RE
from cadastre.importers.geojson import FeatureStream, GeoJSONError, multipolygon_wkb
from cadastre.importers.parcels import ParcelRow
from cadastre.importers.report import ImportReport, Progress

WGS84 = 4326  # RFC 7946: GeoJSON is WGS84 lon/lat


def parcel_row(feature: dict[str, Any], report: ImportReport, where: str = "") -> ParcelRow | None:
    """The row for one feature, or None after recording why it is rejected (`where` names the
    feature in the file: `n° 12`)."""
    props = feature.get("properties") or {}
    idu = props.get("id") or feature.get("id")
    if not idu or not isinstance(idu, str):
        report.reject("missing_id", where)
        return None
    match = IDU_RE.match(idu)
    if not match:
        report.reject("invalid_idu", f"{where} {idu[:40]}".strip())
        return None
    idu_ref = f"{where} {idu}" if where else idu
    commune, prefixe, section, numero = match.groups()
    # Etalab trims section and numéro (`A`, `2`): compare them re-padded to the id (§5.1).
    given_section = str(props.get("section", section))
    given_numero = str(props.get("numero", numero))
    if (
        props.get("commune", commune) != commune
        or str(props.get("prefixe", prefixe)) != prefixe
        or not SECTION_RE.match(given_section)
        or given_section.rjust(2, "0") != section
        or not given_numero.isdigit()
        or given_numero.zfill(4) != numero
    ):
        report.reject("idu_mismatch", idu_ref)
        return None
    contenance = props.get("contenance")
    if contenance is not None and (
        isinstance(contenance, bool)
        or not isinstance(contenance, int)
        or not 0 <= contenance < 2**31
    ):
        report.reject("invalid_contenance", idu_ref)
        return None
    geometry = feature.get("geometry")
    if not geometry:
        report.reject("geometry_missing", idu_ref)
        return None
    try:
        wkb = multipolygon_wkb(geometry)
    except GeoJSONError as exc:
        report.reject(str(exc), idu_ref)
        return None
    if not _lon_lat(geometry):
        report.reject("coordinates_not_wgs84", idu_ref)
        return None
    arpente = props.get("arpente")
    return ParcelRow(
        idu=idu,
        commune=commune,
        prefixe=prefixe,
        section=section,
        numero=numero,
        contenance=contenance,
        arpente=arpente if isinstance(arpente, bool) else None,
        created=props.get("created"),
        updated=props.get("updated"),
        wkb=wkb,
        srid=WGS84,
    )


def _lon_lat(geometry: dict[str, Any]) -> bool:
    """Whether the first point is a longitude and latitude: a file in Lambert-93 or another
    projected system is not WGS84 whatever it claims (RFC 7946 allows no other CRS)."""
    point = geometry["coordinates"]
    while isinstance(point, list) and point and isinstance(point[0], list):
        point = point[0]
    try:
        lon_lat: bool = -180 <= point[0] <= 180 and -90 <= point[1] <= 90
        return lon_lat
    except (TypeError, IndexError):
        return False


def read(
    path: str | Path,
    report: ImportReport,
    progress: bool = True,
    on_progress: Callable[[float], None] | None = None,
) -> Iterator[ParcelRow]:
    """`progress`: a bar on the terminal; `on_progress(share)`: the share of the file read,
    for the administrator's page."""
    name = Path(path).name
    with FeatureStream(path) as stream:
        bar = Progress(stream.size, name) if progress else None
        for feature in stream:
            report.read += 1
            if not report.read % 2000:
                if bar:
                    bar.update(stream.position, report.read)
                if on_progress:
                    on_progress(stream.position / max(stream.size, 1))
            where = f"{name} n° {stream.index}"
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                report.reject("invalid_feature", where)
                continue
            row = parcel_row(feature, report, where)
            if row is not None:
                yield row
        if bar:
            bar.done(report.read)
