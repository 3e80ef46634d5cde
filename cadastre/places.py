"""Where a commune's parcels lie, for centring a map (WGS84 latitude, longitude)."""

from django.db import connection

CENTER_SQL = """
SELECT ST_Y(c), ST_X(c) FROM (
    SELECT ST_Transform(ST_SetSRID(ST_Centroid(ST_Extent(geom)::geometry), 2154), 4326) AS c
    FROM cadastre_parcel WHERE commune = %s AND retired_at IS NULL
) AS centre WHERE c IS NOT NULL
"""


def commune_center(insee: str) -> tuple[float, float] | None:
    """(latitude, longitude) of the centre of the commune's current parcels, None before its
    cadastre is imported (the site step then gives its map no centre)."""
    with connection.cursor() as cursor:
        cursor.execute(CENTER_SQL, [insee])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None
