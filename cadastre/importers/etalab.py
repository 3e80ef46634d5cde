"""Etalab `parcelles` GeoJSON (reference §5.2) → ParcelRow, rejecting what is not a parcel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cadastre.idu import IDU_RE, SECTION_RE
from cadastre.importers.geojson import FeatureStream, GeoJSONError, multipolygon_wkb
from cadastre.importers.parcels import ParcelRow
from cadastre.importers.report import ImportReport, Progress

WGS84 = 4326  # RFC 7946: GeoJSON is WGS84 lon/lat


def parcel_row(feature: dict, report: ImportReport) -> ParcelRow | None:
    """The row for one feature, or None after recording why it is rejected."""
    props = feature.get("properties") or {}
    idu = props.get("id") or feature.get("id")
    if not idu:
        report.reject("missing_id")
        return None
    match = IDU_RE.match(idu)
    if not match:
        report.reject("invalid_idu", str(idu)[:40])
        return None
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
        report.reject("idu_mismatch", idu)
        return None
    contenance = props.get("contenance")
    if contenance is not None and (
        isinstance(contenance, bool)
        or not isinstance(contenance, int)
        or not 0 <= contenance < 2**31
    ):
        report.reject("invalid_contenance", idu)
        return None
    geometry = feature.get("geometry")
    if not geometry:
        report.reject("geometry_missing", idu)
        return None
    try:
        wkb = multipolygon_wkb(geometry)
    except GeoJSONError as exc:
        report.reject(str(exc), idu)
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


def read(path: str | Path, report: ImportReport, progress: bool = True) -> Iterator[ParcelRow]:
    with FeatureStream(path) as stream:
        bar = Progress(stream.size, Path(path).name) if progress else None
        for feature in stream:
            report.read += 1
            if bar and not report.read % 2000:
                bar.update(stream.position, report.read)
            if not isinstance(feature, dict):
                report.reject("invalid_feature")
                continue
            row = parcel_row(feature, report)
            if row is not None:
                yield row
        if bar:
            bar.done(report.read)
