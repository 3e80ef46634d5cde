"""Reading a CNIG delivery of the Géoportail de l'urbanisme, whatever its generation: a folder,
one file, or a zip of either; tables as shapefile, MapInfo TAB, CSV with a WKT column, DBF or
GeoPackage layers, named plainly (`ZONE_URBA.shp`) or prefixed with the document and its date
(`30014_ZONE_URBA_20171013.shp`), as the CNIG standards' `files.json` allow.

Tables are read with geopandas over pyogrio (its wheel bundles GDAL and all these drivers),
geometries checked and repaired with shapely, and handed to GeoDjango as WKB. Both libraries are
imported inside the functions: `manage.py` never pays for them unless it imports a delivery.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadastre.importers.errors import ImportRefused
from cadastre.models import LAMBERT_93

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

TABLE_EXTENSIONS = (".shp", ".tab", ".csv", ".dbf", ".gpkg")
# Lambert-93 covers metropolitan France within these bounds (metres, EPSG:2154).
LAMBERT_93_BOUNDS = (-400_000, 6_000_000, 1_400_000, 7_200_000)
# A zip is extracted only within these limits (a decompression bomb is refused before).
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_BYTES = 2 << 30
MAX_ZIP_RATIO = 200


class DeliveryError(ImportRefused):
    pass


@dataclass(frozen=True)
class Table:
    path: Path
    layer: str | None  # a GeoPackage layer, None for one-table files
    name: str  # the file (or layer) name without extension

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.layer}" if self.layer else self.path.name


@contextmanager
def opened(path: str | Path) -> Iterator[Path]:
    """The delivery's folder (or file): a zip is extracted, within limits, to a temporary one."""
    path = Path(path)
    if not path.exists():
        raise DeliveryError(f"{path} : fichier ou dossier introuvable")
    if path.is_file() and path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="gpu-") as tmp:
            _extract(path, Path(tmp))
            yield Path(tmp)
    else:
        yield path


def _extract(path: Path, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DeliveryError(f"{path.name} : archive zip illisible ({exc})") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise DeliveryError(f"{path.name} : archive zip vide")
        if len(members) > MAX_ZIP_MEMBERS:
            raise DeliveryError(f"{path.name} : archive de plus de {MAX_ZIP_MEMBERS} fichiers")
        total = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members)
        if total > MAX_ZIP_BYTES or total > MAX_ZIP_RATIO * max(packed, 1) + (1 << 20):
            raise DeliveryError(
                f"{path.name} : archive anormalement compressée ({total} octets une fois "
                "extraite) : refusée comme bombe de décompression"
            )
        for member in members:
            target = (into / member.filename).resolve()
            if not target.is_relative_to(into.resolve()):
                raise DeliveryError(f"{path.name} : chemin interdit dans l'archive ({member})")
        try:
            archive.extractall(into)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise DeliveryError(f"{path.name} : archive zip illisible ({exc})") from exc


def tables(root: Path) -> list[Table]:
    """Every table of the delivery (a shapefile's .dbf is the shapefile, not a second table)."""
    # deferred: geopandas, pyogrio and shapely load GDAL and GEOS: only an import needs them
    import pyogrio

    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    found = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in TABLE_EXTENSIONS:
            continue
        if suffix == ".dbf" and _sibling(path, ".shp"):
            continue
        if suffix == ".gpkg":
            try:
                layers = pyogrio.list_layers(path)
            except Exception as exc:  # pyogrio raises DataSourceError and GDAL's own errors
                raise DeliveryError(f"{path.name} : GeoPackage illisible ({exc})") from exc
            found += [Table(path, str(name), str(name)) for name, _ in layers]
        else:
            found.append(Table(path, None, path.stem))
    return found


# Table names as the CNIG standards' files.json spell them: 2013–2014 plain, optionally
# suffixed with an INSEE code and a part (`ZONE_URBA_30014_2A0`, `DOCUMENT_URBA` in 2013);
# 2017 on prefixed with the INSEE or SIREN code and suffixed with the date and a letter
# (`241800432_ZONE_URBA_20200128_A`). A part is never `COM`: DOC_URBA_COM stays apart.
_ALIASES = {"DOC_URBA": "DOC(?:UMENT)?_URBA", "DOC_URBA_COM": "DOC(?:UMENT)?_URBA_COM"}


def find(all_tables: list[Table], table: str) -> list[Table]:
    """The tables named `table` in the CNIG sense (see above)."""
    name = _ALIASES.get(table, table)
    regex = re.compile(
        rf"^(?:[0-9A-Z]+_)?{name}(?:_[0-9AB]{{5}})?(?:_\d{{8}})?(?:_[0-9AB]{{3}}|_[A-Z])?$",
        re.IGNORECASE,
    )
    return [t for t in all_tables if regex.match(t.name)]


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def read(table: Table, spatial: bool = True) -> Any:  # a (Geo)DataFrame: geopandas is untyped
    """The table as a (Geo)DataFrame with lower-case column names, geometries 2D in Lambert-93;
    DeliveryError naming the file when it cannot be read as a delivery table."""
    # deferred: geopandas, pyogrio and shapely load GDAL and GEOS: only an import needs them
    import geopandas
    import pyogrio
    import shapely

    path = table.path
    if path.suffix.lower() == ".shp":
        if not _sibling(path, ".dbf"):
            raise DeliveryError(
                f"{path.name} : fichier {path.stem}.dbf absent, les attributs de la table "
                "manquent (livrez les .shp, .shx, .dbf et .prj ensemble)"
            )
        if not _sibling(path, ".shx"):
            raise DeliveryError(f"{path.name} : fichier {path.stem}.shx absent")
    options = {}
    if path.suffix.lower() == ".csv":
        # CNIG CSV tables carry their geometry as WKT in a column named WKT.
        options = {"GEOM_POSSIBLE_NAMES": "WKT", "KEEP_GEOM_COLUMNS": "NO"}
    try:
        frame = pyogrio.read_dataframe(path, layer=table.layer, read_geometry=spatial, **options)
    except Exception as exc:  # pyogrio's DataSourceError, DataLayerError, GDAL errors
        raise DeliveryError(f"{table.label} : table illisible ({exc})") from exc
    frame.columns = [str(c).lower() for c in frame.columns]
    if not spatial or not isinstance(frame, geopandas.GeoDataFrame):
        return frame
    if path.suffix.lower() == ".csv" and frame.crs is None:
        frame = frame.set_crs(LAMBERT_93)  # CNIG CSV: the legal system, Lambert-93 in France
    if frame.crs is None:
        raise DeliveryError(f"{table.label} : système de coordonnées absent (fichier .prj ?)")
    try:
        frame = frame.to_crs(LAMBERT_93)
    except Exception as exc:  # pyproj's CRSError and ProjError
        raise DeliveryError(f"{table.label} : système de coordonnées inconnu ({exc})") from exc
    frame.geometry = shapely.force_2d(frame.geometry.values)
    present = frame.geometry.dropna()
    present = present[~present.is_empty]
    if len(present):
        xmin, ymin, xmax, ymax = present.total_bounds
        bxmin, bymin, bxmax, bymax = LAMBERT_93_BOUNDS
        if not (xmin >= bxmin and ymin >= bymin and xmax <= bxmax and ymax <= bymax):
            raise DeliveryError(
                f"{table.label} : coordonnées hors de France une fois converties du système "
                f"déclaré ({frame.crs.name if frame.crs else '?'}, puis Lambert-93) : le "
                "système de coordonnées du fichier est erroné"
            )
    return frame


def checked_polygons(geometry: BaseGeometry | None) -> tuple[bytes | None, str | None]:
    """(WKB of a valid MultiPolygon or None, why it was invalid or None): shapely says why
    (`is_valid_reason`) and repairs (`make_valid`), keeping the polygonal parts."""
    # deferred: geopandas, pyogrio and shapely load GDAL and GEOS: only an import needs them
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if geometry is None or geometry.is_empty:
        return None, None
    reason = None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        geometry = shapely.make_valid(geometry)
    parts = getattr(geometry, "geoms", [geometry])
    polygons = []
    for part in parts:
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
        elif hasattr(part, "geoms"):  # a GeometryCollection inside make_valid's result
            polygons.extend(
                g for g in shapely.get_parts(part) if isinstance(g, Polygon) and not g.is_empty
            )
    polygons = [p for p in polygons if not p.is_empty]
    if not polygons:
        return None, reason
    return shapely.to_wkb(MultiPolygon(polygons)), reason


def cell_text(value: object) -> str:
    """A table cell as text: a missing value (None, pandas' NaN) is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def cell_date(value: object) -> date | None:
    """A table cell as a date: a date, or YYYYMMDD with or without separators (CNIG's DATAPPRO,
    DATEDECIS); anything else is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).replace("-", "").replace("/", "")
    if re.fullmatch(r"\d{8}", text):
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    return None
