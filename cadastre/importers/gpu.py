"""Servitudes d'utilité publique delivered to the Géoportail de l'urbanisme (reference §5.5):
`SERVITUDE`, `GENERATEUR_SUP_*`, `ASSIETTE_SUP_*`, `ACTE_SUP`, read through GDAL. The zoning of
documents d'urbanisme is in cadastre.importers.urba.

These layers hold hundreds to thousands of objects, not millions: the ORM's bulk_create is
enough. Geometries are flattened to 2D, reprojected to Lambert-93 and repaired when invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from cadastre.importers.delivery import DeliveryError, opened
from cadastre.importers.delivery import cell_date as _date
from cadastre.importers.errors import one_transaction
from cadastre.importers.ogr import UnknownCRSError, to_lambert93
from cadastre.importers.report import ImportReport
from cadastre.models import (
    LAMBERT_93,
    Servitude,
    ServitudeAssiette,
    ServitudeGenerator,
)


def _find(root: Path, pattern: str) -> list[Path]:
    """Files of the delivery whose name matches `pattern` (case-insensitive), anywhere."""
    regex = re.compile(pattern, re.IGNORECASE)
    return sorted(p for p in root.rglob("*") if p.is_file() and regex.search(p.name))


class Properties(Protocol):
    """A feature's attributes as OGR reads them from a shapefile or DBF: any field type."""

    def get(self, key: str, default: Any = None, /) -> Any: ...


def _records(path: Path) -> Iterator[tuple[Properties, OGRGeometry | None]]:
    """(properties keyed in lower case, 2D Lambert-93 geometry) for each feature of a
    shapefile or DBF."""
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise DeliveryError(f"{path.name} : table illisible ({exc})") from exc
    layer = source[0]
    names = layer.fields
    spatial = layer.geom_type.name != "None"
    try:
        transform = to_lambert93(layer) if spatial else None
    except UnknownCRSError as exc:
        raise DeliveryError(f"{path.name} : {exc}") from exc
    for feature in layer:
        props: dict[str, Any] = {}
        for name in names:
            value = feature.get(name)
            props[name.lower()] = value.strip() if isinstance(value, str) else value
        geom = feature.geom if spatial else None
        if geom is not None:
            geom.set_3d(False)
            if transform is not None:
                geom.transform(transform)
        yield props, geom


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _count_replacement(report: ImportReport, old: int, new: int) -> None:
    """A re-delivery replaces objects whole: as many as were there count as updated."""
    kept = min(old, new)
    report.updated += kept
    report.inserted += new - kept
    report.retired += old - kept


def _lambert93(geom: OGRGeometry | None, report: ImportReport, ref: str) -> GEOSGeometry | None:
    """Valid, or None after recording the rejection (`_records` made it 2D Lambert-93)."""
    if geom is None:
        report.reject("geometry_missing", ref)
        return None
    result = GEOSGeometry(geom.wkb)
    result.srid = LAMBERT_93
    if not result.valid:
        result = result.make_valid()
        report.repaired += 1
    if result.empty:
        report.reject("geometry_unrepairable", ref)
        return None
    return result


def _surrounded_generator(
    shape: GEOSGeometry, generators: dict[str, list[ServitudeGenerator]]
) -> str | None:
    centre = shape.centroid
    inside = [
        (g.geom.distance(centre), id_gen)
        for id_gen, group in generators.items()
        for g in group
        if shape.contains(g.geom.point_on_surface)
    ]
    return min(inside)[1] if inside else None


def import_sup(path: str | Path, report: ImportReport, dry_run: bool = False) -> ImportReport:
    """A SUP delivery, folder or zip (one category, e.g. AC1 of a département); one
    transaction, rolled back for a dry run."""
    with opened(path) as root, one_transaction(report, dry_run):
        _import_sup(root, report)
    return report


def _import_sup(root: Path, report: ImportReport) -> ImportReport:
    if not root.is_dir():
        raise DeliveryError(f"{root.name} : une livraison de servitude est un dossier ou un zip")
    servitude_files = _find(root, r"_SERVITUDE\.dbf$")
    if not servitude_files:
        raise DeliveryError(f"{root.name} : aucune table *_SERVITUDE.dbf dans la livraison")
    managers = {
        p.get("idgest"): p.get("nomgest") or ""
        for f in _find(root, r"_GESTIONNAIRE_SUP\.dbf$")
        for p, _ in _records(f)
    }
    acts = {
        p.get("idacte"): {
            "id": p.get("idacte"),
            "name": p.get("nomacte") or "",
            "type": p.get("typeacte") or "",
            "decision": p.get("decision") or "",
            "date": _iso(_date(p.get("datedecis"))),
            "file": p.get("fichier") or "",
        }
        for f in _find(root, r"_ACTE_SUP\.dbf$")
        if "SERVITUDE_ACTE" not in f.name.upper()
        for p, _ in _records(f)
    }
    acts_of: dict[str, list[dict[str, str]]] = {}
    for f in _find(root, r"_SERVITUDE_ACTE_SUP\.dbf$"):
        for p, _ in _records(f):
            if p.get("idacte") in acts:
                acts_of.setdefault(p.get("idsup"), []).append(acts[p.get("idacte")])

    servitudes = {}
    for f in servitude_files:
        for p, _ in _records(f):
            id_sup = p.get("idsup")
            if not id_sup:
                report.reject("invalid_feature")
                continue
            if id_sup in servitudes:  # one servitude may be listed once per protected object
                continue
            servitudes[id_sup] = Servitude(
                id_sup=id_sup,
                category=(p.get("categorie") or "").upper()[:10],
                name=(p.get("nomsuplitt") or p.get("nomsup") or id_sup)[:254],
                description=p.get("descriptio") or "",
                manager=managers.get(p.get("idgest"), "")[:254],
                acts=acts_of.get(id_sup, []),
            )
    generators: dict[str, list[ServitudeGenerator]] = {}
    servitude_of: dict[str, str] = {}
    for f in _find(root, r"_GENERATEUR_SUP_[SLP]\.shp$"):
        for p, geom in _records(f):
            report.read += 1
            id_gen, id_sup = p.get("idgen"), p.get("idsup")
            if id_sup not in servitudes:
                report.reject("invalid_feature", id_gen or "")
                continue
            shape = _lambert93(geom, report, id_gen)
            if shape is None:
                continue
            servitude_of[id_gen] = id_sup
            generators.setdefault(id_gen, []).append(
                ServitudeGenerator(
                    id_gen=id_gen,
                    servitude=servitudes[id_sup],
                    name=(p.get("nomgen") or "")[:254],
                    kind=(p.get("typegen") or "")[:60],
                    protection=(p.get("type") or p.get("protection") or "")[:60],
                    address=(p.get("adresse") or "")[:254],
                    geom=shape,
                )
            )
    assiettes: list[ServitudeAssiette] = []
    for f in _find(root, r"_ASSIETTE_SUP_[SLP]\.shp$"):
        for p, geom in _records(f):
            report.read += 1
            id_ass, id_gen = p.get("idass"), p.get("idgen")
            shape = _lambert93(geom, report, id_ass)
            if shape is None:
                continue
            if id_gen not in generators:
                # A mistyped IdGen (the real AC1 2A delivery has one): link the assiette to the
                # generator it surrounds, nearest to its centre, and say so in the report.
                id_gen = _surrounded_generator(shape, generators)
                if id_gen is None:
                    report.reject("unknown_generator", id_ass or "")
                    continue
                report.counts["assiettes_relinked"] = report.counts.get("assiettes_relinked", 0) + 1
            servitude = servitudes[servitude_of[id_gen]]
            assiettes.append(
                ServitudeAssiette(
                    id_ass=id_ass,
                    servitude=servitude,
                    # The object of that IdGen this assiette surrounds (or is).
                    generator=min(generators[id_gen], key=lambda g: g.geom.distance(shape)),
                    category=servitude.category,
                    name=(p.get("nomass") or "")[:254],
                    kind=(p.get("typeass") or "")[:60],
                    mode=(p.get("modegeoass") or "")[:60],
                    buffer_m=p.get("paramcalc"),
                    geom=shape,
                )
            )
    with transaction.atomic():
        # Re-delivered servitudes are replaced whole (their generators and assiettes with them).
        existing = Servitude.objects.filter(id_sup__in=servitudes)
        replaced = (
            ServitudeGenerator.objects.filter(servitude__in=existing).count()
            + ServitudeAssiette.objects.filter(servitude__in=existing).count()
        )
        existing.delete()
        Servitude.objects.bulk_create(servitudes.values(), batch_size=500)
        all_generators = [g for group in generators.values() for g in group]
        ServitudeGenerator.objects.bulk_create(all_generators, batch_size=500)
        ServitudeAssiette.objects.bulk_create(assiettes, batch_size=500)
    _count_replacement(report, replaced, len(all_generators) + len(assiettes))
    report.counts.update(
        servitudes=len(servitudes), generators=len(all_generators), assiettes=len(assiettes)
    )
    return report
