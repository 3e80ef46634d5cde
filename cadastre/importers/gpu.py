"""CNIG deliveries as published on the Géoportail de l'urbanisme (reference §5.4, §5.5):
PLU/PLUi zoning (`ZONE_URBA` + `DOC_URBA`) and servitudes d'utilité publique (`SERVITUDE`,
`GENERATEUR_SUP_*`, `ASSIETTE_SUP_*`, `ACTE_SUP`), read through GDAL.

These layers hold hundreds to thousands of objects, not millions: the ORM's bulk_create is
enough. Geometries are flattened to 2D, reprojected to Lambert-93 and repaired when invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction

from cadastre.importers.ogr import UnknownCRSError, to_lambert93
from cadastre.importers.report import ImportReport
from cadastre.models import (
    LAMBERT_93,
    Servitude,
    ServitudeAssiette,
    ServitudeGenerator,
    Zone,
)

TYPEZONES = {"U", "AUC", "AUS", "A", "N", "AH", "NH", "ND"}  # CNIG, plus legacy POS values


class DeliveryError(ValueError):
    pass


def _find(root: Path, pattern: str) -> list[Path]:
    """Files of the delivery whose name matches `pattern` (case-insensitive), anywhere."""
    regex = re.compile(pattern, re.IGNORECASE)
    return sorted(p for p in root.rglob("*") if p.is_file() and regex.search(p.name))


def _records(path: Path) -> Iterator[tuple[dict, OGRGeometry | None]]:
    """(properties keyed in lower case, 2D Lambert-93 geometry) for each feature of a
    shapefile or DBF."""
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise DeliveryError(f"{path.name}: unreadable ({exc})") from exc
    layer = source[0]
    names = layer.fields
    spatial = layer.geom_type.name != "None"
    try:
        transform = to_lambert93(layer) if spatial else None
    except UnknownCRSError as exc:
        raise DeliveryError(f"{path.name}: {exc}") from exc
    for feature in layer:
        props = {}
        for name in names:
            value = feature.get(name)
            props[name.lower()] = value.strip() if isinstance(value, str) else value
        geom = feature.geom if spatial else None
        if geom is not None:
            geom.set_3d(False)
            if transform is not None:
                geom.transform(transform)
        yield props, geom


def _date(text) -> date | None:
    text = str(text or "").strip()
    if re.fullmatch(r"\d{8}", text):
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _count_replacement(report: ImportReport, old: int, new: int) -> None:
    """A re-delivery replaces objects whole: as many as were there count as updated."""
    kept = min(old, new)
    report.updated += kept
    report.inserted += new - kept
    report.retired += old - kept


def _lambert93(geom: OGRGeometry, report: ImportReport, ref: str) -> GEOSGeometry | None:
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


def _multipolygon(geom: GEOSGeometry) -> MultiPolygon | None:
    polygons = [g for g in (geom if geom.geom_type.startswith(("Multi", "Geometry")) else [geom])]
    flat = []
    for g in polygons:
        if isinstance(g, Polygon):
            flat.append(g)
        elif isinstance(g, MultiPolygon):
            flat.extend(g)
    return MultiPolygon(flat, srid=LAMBERT_93) if flat else None


def _keep_latest_approval(document_code: str) -> int:
    """Only the latest approval of a document is in force; returns how many zones it made
    no longer current."""
    documents = Zone.objects.filter(document_code=document_code)
    latest = documents.order_by("-approved_on", "-imported_at").values_list("idurba").first()
    superseded = (
        documents.exclude(idurba=latest[0]).filter(is_current=True).update(is_current=False)
    )
    documents.filter(idurba=latest[0]).update(is_current=True)
    return superseded


def import_plu(path: str | Path, report: ImportReport) -> ImportReport:
    """A PLU/PLUi delivery (its folder, or its ZONE_URBA shapefile)."""
    path = Path(path)
    root = path if path.is_dir() else path.parent.parent
    zone_files = [path] if path.is_file() else _find(root, r"ZONE_URBA.*\.shp$")
    if not zone_files:
        raise DeliveryError(f"{path}: no ZONE_URBA shapefile")
    documents = {}
    for doc in _find(root, r"_DOC_URBA_\d{8}\.dbf$"):
        for props, _ in _records(doc):
            documents[(props.get("idurba") or "").upper()] = props
    communes: dict[str, set[str]] = {}
    for doc in _find(root, r"_DOC_URBA_COM_\d{8}\.dbf$"):
        for props, _ in _records(doc):
            communes.setdefault((props.get("idurba") or "").upper(), set()).add(props.get("insee"))
    zones: list[Zone] = []
    for zone_file in zone_files:
        for props, geom in _records(zone_file):
            report.read += 1
            idurba = (props.get("idurba") or "").strip()
            ref = f"{idurba}:{props.get('libelle')}"
            typezone = (props.get("typezone") or "").strip()
            if not idurba or typezone.upper() not in TYPEZONES:
                report.reject("invalid_feature", ref)
                continue
            shape = _lambert93(geom, report, ref)
            multi = _multipolygon(shape) if shape is not None else None
            if shape is not None and multi is None:
                report.reject("geometry_not_polygonal", ref)
            if multi is None:
                continue
            doc = documents.get(idurba.upper(), {})
            file, _, fragment = (props.get("nomfic") or "").partition("#")
            page = re.search(r"page=(\d+)", fragment)
            doc_communes = communes.get(idurba.upper(), set())
            zones.append(
                Zone(
                    idurba=idurba,
                    document_code=re.sub(r"_\d{8}$", "", idurba).upper(),
                    typedoc=(doc.get("typedoc") or idurba.split("_")[1]).upper()[:10],
                    approved_on=_date(doc.get("datappro")) or _date(props.get("datvalid")),
                    validated_on=_date(props.get("datvalid")),
                    libelle=(props.get("libelle") or "")[:20],
                    libelong=(props.get("libelong") or "")[:254],
                    typezone=typezone,
                    destdomi=(props.get("destdomi") or "")[:2],
                    regulation_file=file[:254],
                    regulation_page=int(page.group(1)) if page else None,
                    regulation_url=(props.get("urlfic") or "")[:254],
                    insee=props.get("insee")
                    or (min(doc_communes) if len(doc_communes) == 1 else ""),
                    geom=multi,
                )
            )
    with transaction.atomic():
        replaced = 0
        for idurba in {z.idurba for z in zones}:
            replaced += Zone.objects.filter(idurba=idurba).delete()[0]
        Zone.objects.bulk_create(zones, batch_size=500)
        for code in {z.document_code for z in zones}:
            report.retired += _keep_latest_approval(code)
    _count_replacement(report, replaced, len(zones))
    report.counts["zones"] = len(zones)
    return report


def _surrounded_generator(shape: GEOSGeometry, generators: dict) -> str | None:
    centre = shape.centroid
    inside = [
        (g.geom.distance(centre), id_gen)
        for id_gen, group in generators.items()
        for g in group
        if shape.contains(g.geom.point_on_surface)
    ]
    return min(inside)[1] if inside else None


def import_sup(path: str | Path, report: ImportReport) -> ImportReport:
    """A SUP delivery folder (one category, e.g. AC1 of a département)."""
    root = Path(path)
    if not root.is_dir():
        raise DeliveryError(f"{root}: a SUP delivery is a folder")
    servitude_files = _find(root, r"_SERVITUDE\.dbf$")
    if not servitude_files:
        raise DeliveryError(f"{root}: no *_SERVITUDE.dbf")
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
    acts_of: dict[str, list[dict]] = {}
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
