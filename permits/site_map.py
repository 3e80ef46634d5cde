"""The officer's map of a dossier (issue 8, point 2): its parcels as they are in the cadastre
today, and the PLU zones and servitudes they cross, drawn in a frame around the site.

One query. Zones and assiettes are clipped to the frame (a zone may cover a whole commune) and
serialised by PostGIS. The same rows give the constraints listed in text beside the map, so the
page says everything without JavaScript. The page that embeds it is the instruction page, which
is already limited to the communes the officer's service instructs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection

FRAME_MARGIN_M = 80  # around the site: enough to see the neighbours and the zone limits
MAX_CONSTRAINTS = 50

SITE_MAP_SQL = """
WITH site AS (
    SELECT ST_Union(geom) AS g FROM cadastre_parcel WHERE idu = ANY(%(idus)s::text[])
), frame AS (
    SELECT g, ST_Expand(g, %(margin)s) AS f, ST_Area(g) AS area FROM site WHERE g IS NOT NULL
)
SELECT
    (SELECT json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 7)::json,
        'properties', json_build_object('layer', 'site', 'idu', p.idu,
                                        'retired', p.retired_at IS NOT NULL)) ORDER BY p.idu)
     FROM cadastre_parcel p WHERE p.idu = ANY(%(idus)s::text[])),
    (SELECT coalesce(json_agg(z ORDER BY z.share DESC), '[]') FROM (
        SELECT 'zone' AS layer, zone.libelle, zone.libelong, zone.typezone, zone.illustrative,
               round((100 * ST_Area(ST_Intersection(zone.geom, frame.g))
                      / nullif(frame.area, 0))::numeric, 1) AS share,
               ST_AsGeoJSON(ST_Transform(ST_Intersection(zone.geom, frame.f), 4326), 7)::json
                   AS geometry
        FROM cadastre_zone zone, frame
        WHERE zone.is_current AND ST_Intersects(zone.geom, frame.g)
          AND ST_Area(ST_Intersection(zone.geom, frame.g)) > 0
        LIMIT %(limit)s) z),
    (SELECT coalesce(json_agg(a ORDER BY a.category, a.name), '[]') FROM (
        SELECT 'servitude' AS layer, ass.category, s.name, s.illustrative, ass.kind,
               gen.name AS generator, gen.protection,
               ST_AsGeoJSON(ST_Transform(ST_Intersection(ass.geom, frame.f), 4326), 7)::json
                   AS geometry
        FROM cadastre_servitudeassiette ass
        JOIN cadastre_servitude s ON s.id = ass.servitude_id
        LEFT JOIN cadastre_servitudegenerator gen ON gen.id = ass.generator_id, frame
        WHERE ST_Intersects(ass.geom, frame.g)
          AND (ST_Dimension(ass.geom) < 2 OR ST_Area(ST_Intersection(ass.geom, frame.g)) > 0)
        LIMIT %(limit)s) a),
    (SELECT json_build_array(ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b))
     FROM (SELECT ST_Transform(frame.f, 4326) AS b) box)
FROM frame
"""


@dataclass
class SiteMap:
    parcels: list[dict]  # GeoJSON features; one without geometry for an IDU not in the cadastre
    zones: list[dict] = field(default_factory=list)
    servitudes: list[dict] = field(default_factory=list)
    bbox: list[float] = field(default_factory=list)  # west, south, east, north (WGS84)

    def geojson(self) -> dict:
        """What the map script draws: a FeatureCollection with the frame."""
        features = [p for p in self.parcels if p.get("geometry")]
        for row in [*self.zones, *self.servitudes]:
            properties = {k: v for k, v in row.items() if k != "geometry"}
            features.append(
                {"type": "Feature", "geometry": row["geometry"], "properties": properties}
            )
        return {"type": "FeatureCollection", "bbox": self.bbox, "features": features}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def site_map(idus: list[str]) -> SiteMap | None:
    """The map of the parcels `idus` (full IDUs as stored on the dossier), or None when none of
    them is in the cadastre."""
    if not idus:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            SITE_MAP_SQL, {"idus": list(idus), "margin": FRAME_MARGIN_M, "limit": MAX_CONSTRAINTS}
        )
        row = cursor.fetchone()
    if row is None:
        return None
    parcels, zones, servitudes, bbox = (_json(v) for v in row)
    found = {p["properties"]["idu"] for p in parcels or []}
    parcels = list(parcels or []) + [
        {"type": "Feature", "geometry": None, "properties": {"idu": idu, "missing": True}}
        for idu in idus
        if idu not in found
    ]
    return SiteMap(parcels=parcels, zones=zones, servitudes=servitudes, bbox=bbox)
