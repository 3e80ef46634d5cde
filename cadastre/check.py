"""The parcel check of an application (issue 4): each parcel found or not (with suggestions
for a typo), in the dossier's commune or not, with a valid geometry; whether they form one
contiguous unit; total area beside the sum of contenances; centroid; PLU zones and servitudes
crossed and what they mean for the procedure (cadastre.effects).

Two queries in the common case (parcels, then site and constraints), written as SQL constants
so that bench/cadastre_check.py can run the very same statements through bare psycopg.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import connection
from django.db.backends.utils import CursorWrapper

from cadastre.effects import (
    ProcedureEffect,
    ProcedureImpact,
    impact_of,
    servitude_effects,
    zone_effects,
)
from cadastre.idu import Idu, InvalidIdu, cadastral_codes, parse_reference, same_municipality
from cadastre.models import WGS84

# Parcels closer than this are one unit: shared limits are digitised with centimetric noise.
CONTIGUITY_TOLERANCE_M = 0.5
# A drawn site boundary may exceed the parcels by this share of its area (drawing precision).
SITE_OUTSIDE_TOLERANCE = 0.02
# Below this share of the site, a zone or servitude crossing is reported as marginal.
MARGINAL_SHARE = 0.01
MAX_REFERENCES = 50
MAX_SUGGESTIONS = 5

PARCELS_SQL = """
SELECT idu, contenance_m2, retired_at IS NOT NULL, ST_IsValid(geom), ST_Area(geom),
       ST_ClusterDBSCAN(geom, eps := %(tolerance)s, minpoints := 1) OVER ()
FROM cadastre_parcel WHERE idu = ANY(%(idus)s::text[])
"""

SITE_SQL = """
WITH site AS (
    SELECT ST_Union(geom) AS g FROM cadastre_parcel WHERE idu = ANY(%(idus)s::text[])
), c AS (
    SELECT site.g, ST_Area(site.g) AS area, ST_Centroid(site.g) AS centroid FROM site
)
SELECT c.area, ST_X(c.centroid), ST_Y(c.centroid),
       ST_X(ST_Transform(c.centroid, 4326)), ST_Y(ST_Transform(c.centroid, 4326)),
       (SELECT coalesce(json_agg(z ORDER BY z.area DESC), '[]') FROM (
            SELECT zone.libelle, zone.libelong, zone.typezone, zone.idurba, zone.approved_on,
                   zone.regulation_file, zone.regulation_page, zone.illustrative,
                   ST_Area(ST_Intersection(zone.geom, c.g)) AS area
            FROM cadastre_zone zone
            WHERE zone.is_current AND ST_Intersects(zone.geom, c.g)) z WHERE z.area > 0),
       (SELECT coalesce(json_agg(a ORDER BY a.category, a.area DESC), '[]') FROM (
            SELECT s.id_sup, s.category, s.name, s.illustrative, ass.id_ass, ass.kind,
                   ass.mode, ass.buffer_m, gen.name AS generator, gen.kind AS generator_kind,
                   gen.protection,
                   CASE WHEN ST_Dimension(ass.geom) = 2
                        THEN ST_Area(ST_Intersection(ass.geom, c.g)) END AS area
            FROM cadastre_servitudeassiette ass
            JOIN cadastre_servitude s ON s.id = ass.servitude_id
            LEFT JOIN cadastre_servitudegenerator gen ON gen.id = ass.generator_id
            WHERE ST_Intersects(ass.geom, c.g)) a WHERE a.area IS NULL OR a.area > 0)
FROM c
"""

DRAWN_SITE_SQL = """
WITH site AS (
    SELECT ST_Union(geom) AS g FROM cadastre_parcel WHERE idu = ANY(%(idus)s::text[])
), drawn AS (
    SELECT ST_Transform(ST_GeomFromEWKB(%(ewkb)s), 2154) AS g
)
SELECT ST_IsValid(drawn.g), ST_Area(drawn.g),
       ST_Area(ST_Difference(drawn.g, ST_Buffer(site.g, %(tolerance)s))),
       ST_Area(ST_Difference(site.g, drawn.g))
FROM drawn, site
"""

# Several communes for Paris, Lyon and Marseille typed under the commune's code (§5.1).
SUGGESTIONS_SQL = """
SELECT p.idu FROM unnest(%(communes)s::text[]) AS scope(commune)
JOIN cadastre_parcel p ON p.idu >= scope.commune AND p.idu < scope.commune || '~'
WHERE p.retired_at IS NULL
  AND (substr(p.idu, 9, 2) = %(section)s OR substr(p.idu, 11, 4) = %(numero)s)
"""


@dataclass
class ParcelResult:
    reference: str  # as typed
    idu: str | None = None
    found: bool = False
    in_commune: bool | None = None
    retired: bool = False
    valid_geometry: bool | None = None
    area_m2: float | None = None
    contenance_m2: int | None = None
    unit: int | None = None  # contiguous group, numbered from 1
    duplicate_of: str | None = None  # the earlier reference designating the same parcel
    error: str | None = None  # machine code: invalid_reference, not_found, ambiguous
    message: str | None = None  # French, for the applicant or the officer
    suggestions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class SiteBoundaryCheck:
    valid: bool
    area_m2: float
    outside_parcels_m2: float
    parcels_not_covered_m2: float
    within_parcels: bool

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class ParcelCheck:
    commune: str
    parcels: list[ParcelResult]
    units: int = 0
    area_m2: float | None = None
    contenance_m2: int | None = None
    contenance_missing: list[str] = field(default_factory=list)
    centroid_lambert93: tuple[float, float] | None = None
    centroid_wgs84: tuple[float, float] | None = None
    zones: list[dict[str, Any]] = field(default_factory=list)
    servitudes: list[dict[str, Any]] = field(default_factory=list)
    impact: ProcedureImpact = field(default_factory=ProcedureImpact)
    site: SiteBoundaryCheck | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def found(self) -> list[ParcelResult]:
        """Each parcel found once, whatever forms it was typed in (`AB 25`, `91216000AB0025`)."""
        return [p for p in self.parcels if p.found and not p.duplicate_of]

    @property
    def contiguous(self) -> bool:
        return self.units == 1

    @property
    def ok(self) -> bool:
        """Every parcel found, current, in the commune, valid, and one unit."""
        return (
            bool(self.parcels)
            and all(
                p.found and p.in_commune and not p.retired and p.valid_geometry
                for p in self.parcels
            )
            and self.contiguous
            and (self.site is None or self.site.within_parcels)
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "commune": self.commune,
            "ok": self.ok,
            "parcels": [p.as_dict() for p in self.parcels],
            "units": self.units,
            "contiguous": self.contiguous,
            "area_m2": self.area_m2,
            "contenance_m2": self.contenance_m2,
            "contenance_missing": self.contenance_missing,
            "centroid": {
                "lambert93": self.centroid_lambert93,
                "wgs84": self.centroid_wgs84,
            },
            "zones": self.zones,
            "servitudes": self.servitudes,
            "procedure": self.impact.as_dict(),
            "site_boundary": self.site.as_dict() if self.site else None,
            "messages": self.messages,
        }


def _candidates(reference: str, commune: str) -> tuple[list[Idu], ParcelResult]:
    """The IDUs a reference may designate: one, or one per arrondissement for a section and
    numéro typed in Paris, Lyon or Marseille (cadastred by arrondissement, §5.1)."""
    result = ParcelResult(reference=reference)
    try:
        idu = parse_reference(reference, commune)
    except InvalidIdu as exc:
        result.error, result.message = "invalid_reference", exc.message
        return [], result
    if idu.commune == commune and len(cadastral_codes(commune)) > 1:
        return [
            Idu(c, idu.prefixe, idu.section, idu.numero) for c in cadastral_codes(commune)
        ], result
    return [idu], result


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggestions(cursor: CursorWrapper, idu: Idu, communes: Sequence[str] = ()) -> list[str]:
    """Parcels of the same commune (or of the arrondissements `communes`) one or two
    keystrokes away (same section or same numéro)."""
    cursor.execute(
        SUGGESTIONS_SQL,
        {"communes": list(communes or [idu.commune]), "section": idu.section, "numero": idu.numero},
    )
    wanted = str(idu)[5:]
    # Closest first; at equal distance the same section (read off the plan) before the rest.
    scored = sorted(
        (
            _levenshtein(wanted, other[5:]),
            other[8:10] != idu.section,
            abs(int(other[10:]) - int(idu.numero)),
            other,
        )
        for (other,) in cursor.fetchall()
    )
    return [other for distance, *_, other in scored if distance <= 2][:MAX_SUGGESTIONS]


def check_parcels(
    references: Sequence[str], commune: str, site_geojson: dict[str, Any] | str | None = None
) -> ParcelCheck:
    """Check the parcels `references` (IDU or section + numéro) of a dossier in `commune`
    (INSEE code; an arrondissement code is accepted for Paris, Lyon, Marseille)."""
    references = list(dict.fromkeys(r.strip() for r in references if r and r.strip()))
    if len(references) > MAX_REFERENCES:
        raise ValueError(f"Une demande peut désigner au plus {MAX_REFERENCES} parcelles.")
    drawn = drawn_polygon(site_geojson) if site_geojson is not None else None
    results: list[ParcelResult] = []
    wanted: dict[str, None] = {}  # the IDUs to fetch, in order
    candidates_of: list[tuple[ParcelResult, list[Idu]]] = []
    for reference in references:
        candidates, result = _candidates(reference, commune)
        results.append(result)
        candidates_of.append((result, candidates))
        wanted.update(dict.fromkeys(str(idu) for idu in candidates))
    check = ParcelCheck(commune=commune, parcels=results)
    # Django's cursor: with the settings' server-side binding and prepare_threshold, these
    # statements are prepared on the connection like the pages' queries (config/settings.py).
    with connection.cursor() as cursor:
        rows: dict[str, tuple[Any, ...]] = {}
        if wanted:
            cursor.execute(PARCELS_SQL, {"idus": list(wanted), "tolerance": CONTIGUITY_TOLERANCE_M})
            rows = {row[0]: row for row in cursor.fetchall()}
        units: dict[int, int] = {}
        for result, candidates in candidates_of:
            _resolve(cursor, result, candidates, rows, commune, units)
        _mark_duplicates(results)
        found = [p.idu for p in check.found if p.idu is not None]  # a found parcel has its IDU
        check.units = len(units)
        if found:
            _site(cursor, check, found)
            if drawn is not None:
                check.site = _drawn_site(cursor, found, drawn)
    check.messages = _messages(check)
    return check


def _resolve(
    cursor: CursorWrapper,
    result: ParcelResult,
    candidates: list[Idu],
    rows: dict[str, tuple[Any, ...]],
    commune: str,
    units: dict[int, int],
) -> None:
    if result.error:
        return
    hits = [str(c) for c in candidates if str(c) in rows]
    if len(hits) > 1:
        result.error = "ambiguous"
        result.message = (
            "Cette section et ce numéro existent dans plusieurs arrondissements : "
            "indiquez l'identifiant complet de 14 caractères."
        )
        result.suggestions = hits
        return
    if not hits:
        result.idu = str(candidates[0]) if len(candidates) == 1 else None
        result.error = "not_found"
        result.message = "Parcelle introuvable au cadastre."
        communes = [c.commune for c in candidates]
        result.suggestions = suggestions(cursor, candidates[0], communes)
        if result.suggestions:
            # Under Paris, Lyon or Marseille a label alone would not say the arrondissement.
            label = (lambda s: Idu.parse(s).label) if len(candidates) == 1 else str
            result.message += (
                " Vouliez-vous dire : " + ", ".join(label(s) for s in result.suggestions) + " ?"
            )
        return
    idu, contenance, retired, valid, area, cluster = rows[hits[0]]
    result.idu, result.found = idu, True
    result.in_commune = same_municipality(idu[:5], commune)
    result.retired, result.valid_geometry = retired, valid
    result.area_m2, result.contenance_m2 = round(area, 1), contenance
    result.unit = units.setdefault(cluster, len(units) + 1)
    if not result.in_commune:
        result.error = "other_commune"
        result.message = f"Cette parcelle est située dans une autre commune (INSEE {idu[:5]})."
    elif retired:
        result.error = "retired"
        result.message = "Cette parcelle n'existe plus dans le dernier cadastre importé."


def _mark_duplicates(results: list[ParcelResult]) -> None:
    """A parcel typed twice in two forms counts once (areas and contenances are not doubled)."""
    first: dict[str, str] = {}
    for result in results:
        if not result.found:
            continue
        if result.idu is None:  # found: never (_resolve sets it)
            continue
        if result.idu in first:
            result.duplicate_of = first[result.idu]
            result.message = f"Même parcelle que « {first[result.idu]} » : comptée une fois."
        else:
            first[result.idu] = result.reference


def _site(cursor: CursorWrapper, check: ParcelCheck, idus: list[str]) -> None:
    cursor.execute(SITE_SQL, {"idus": idus})
    # An aggregate: always one row.
    area, x, y, lon, lat, zones, servitudes = cast(tuple[Any, ...], cursor.fetchone())
    zones = json.loads(zones) if isinstance(zones, str) else zones
    servitudes = json.loads(servitudes) if isinstance(servitudes, str) else servitudes
    check.area_m2 = round(area, 1)
    check.centroid_lambert93 = (round(x, 2), round(y, 2))
    check.centroid_wgs84 = (round(lon, 7), round(lat, 7))
    contenances = [p.contenance_m2 for p in check.found]
    check.contenance_missing = [
        p.idu for p in check.found if p.idu is not None and p.contenance_m2 is None
    ]
    check.contenance_m2 = sum(c for c in contenances if c is not None)
    effects: list[ProcedureEffect] = []
    for zone in zones:
        zone["share"] = round(zone["area"] / area, 4) if area else None
        zone["area_m2"] = round(zone.pop("area"), 1)
        zone["marginal"] = zone["share"] is not None and zone["share"] < MARGINAL_SHARE
        effects += zone_effects(zone["typezone"], zone["libelle"])
    for item in servitudes:
        crossed = item.pop("area")
        item["area_m2"] = None if crossed is None else round(crossed, 1)
        item["share"] = None if crossed is None or not area else round(crossed / area, 4)
        item["marginal"] = item["share"] is not None and item["share"] < MARGINAL_SHARE
        item_effects = _effects_of(item)
        item["effects"] = [e.code for e in item_effects]
        effects += item_effects
    check.zones, check.servitudes = zones, servitudes
    check.impact = impact_of(effects)


def _effects_of(item: dict[str, Any]) -> list[ProcedureEffect]:
    return servitude_effects(
        item["category"],
        item["name"],
        assiette_kind=item["kind"],
        assiette_mode=item["mode"],
        generator_protection=item["protection"],
        generator_kind=item["generator_kind"],
    )


_NOT_A_POLYGON = "Le périmètre dessiné doit être un polygone GeoJSON (WGS84)."


def drawn_polygon(geojson: dict[str, Any] | str) -> GEOSGeometry:
    """The site boundary drawn on the map (GeoJSON geometry, WGS84); ValueError (with a French
    message, shown to the applicant) if it is not a polygon."""
    text = geojson if isinstance(geojson, str) else json.dumps(geojson)
    try:
        geom = GEOSGeometry(text)
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise ValueError(_NOT_A_POLYGON) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.empty:
        raise ValueError(_NOT_A_POLYGON)
    geom.srid = WGS84  # RFC 7946
    return geom


def _drawn_site(cursor: CursorWrapper, idus: list[str], drawn: GEOSGeometry) -> SiteBoundaryCheck:
    cursor.execute(
        DRAWN_SITE_SQL,
        {"idus": idus, "ewkb": bytes(drawn.ewkb), "tolerance": CONTIGUITY_TOLERANCE_M},
    )
    valid, area, outside, uncovered = cast(tuple[Any, ...], cursor.fetchone())  # an aggregate
    return SiteBoundaryCheck(
        valid=valid,
        area_m2=round(area, 1),
        outside_parcels_m2=round(outside, 1),
        parcels_not_covered_m2=round(uncovered, 1),
        within_parcels=valid and outside <= SITE_OUTSIDE_TOLERANCE * area,
    )


def _messages(check: ParcelCheck) -> list[str]:
    """A French summary of what needs attention."""
    out: list[str] = [f"{p.reference} : {p.message}" for p in check.parcels if p.message]
    invalid = [p.idu for p in check.found if p.idu is not None and p.valid_geometry is False]
    if invalid:
        out.append("Géométrie cadastrale invalide : " + ", ".join(invalid) + ".")
    if check.units > 1:
        out.append(
            f"Les parcelles forment {check.units} ensembles non contigus : "
            "vérifiez qu'il s'agit bien d'une seule unité foncière."
        )
    if check.contenance_missing:
        out.append(
            "Contenance cadastrale inconnue pour " + ", ".join(check.contenance_missing) + "."
        )
    if check.site is not None:
        if not check.site.valid:
            out.append("Le périmètre dessiné n'est pas un polygone valide.")
        elif not check.site.within_parcels:
            out.append(
                f"Le périmètre dessiné déborde des parcelles de "
                f"{check.site.outside_parcels_m2:.0f} m²."
            )
    for effect in check.impact.effects:
        out.append(
            f"{effect.label} ({effect.article})" + (" — à confirmer" if effect.to_confirm else "")
        )
    return out
