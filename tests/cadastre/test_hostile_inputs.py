"""Hostile and broken inputs: each is refused with a clear French message naming the file (and
the feature or field at fault), and the cadastre's rows are exactly as before (a digest of every
row, geometries included, not only counts)."""

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from cadastre.importers.errors import ImportRefused
from cadastre.importers.parcel_files import import_parcel_files
from cadastre.importers.report import ImportReport
from cadastre.importers.urba import import_plu
from cadastre.models import Parcel
from tests.cadastre.conftest import (
    CADASTRE_91216,
    CC_50545_CSV,
    EDIGEO_SHEETS,
    PLU_30014,
    rows_hash,
)

pytestmark = pytest.mark.django_db

SQUARE = [[[2.3, 48.6], [2.301, 48.6], [2.301, 48.601], [2.3, 48.601], [2.3, 48.6]]]


def _parcel(idu="91216000ZZ0001", coords=SQUARE):
    return {
        "type": "Feature",
        "id": idu,
        "geometry": {"type": "Polygon", "coordinates": coords},
        "properties": {"id": idu, "commune": idu[:5], "prefixe": idu[5:8]},
    }


def _features_91216() -> list:
    return json.loads(CADASTRE_91216.read_text())["features"]


def truncated(tmp: Path) -> Path:
    text = CADASTRE_91216.read_text()
    (path := tmp / "tronque.json").write_text(text[: len(text) // 2])
    return path


def a_feature_holding_features(tmp: Path) -> Path:
    # The case: a Feature whose properties hold a "features" list of parcels.
    body = {
        "type": "Feature",
        "geometry": None,
        "properties": {"features": _features_91216()[:10]},
    }
    (path := tmp / "feature.json").write_text(json.dumps(body))
    return path


def an_array(tmp: Path) -> Path:
    (path := tmp / "tableau.json").write_text(json.dumps(_features_91216()[:10]))
    return path


def topojson(tmp: Path) -> Path:
    body = {"type": "Topology", "objects": {"parcelles": {"type": "GeometryCollection"}}}
    (path := tmp / "topo.json").write_text(json.dumps(body))
    return path


def lambert93_coordinates(tmp: Path) -> Path:
    lambert = [[[640000, 6850000], [640010, 6850000], [640010, 6850010], [640000, 6850000]]]
    body = {"type": "FeatureCollection", "features": [_parcel(coords=lambert)]}
    (path := tmp / "lambert.json").write_text(json.dumps(body))
    return path


def empty_collection(tmp: Path) -> Path:
    (path := tmp / "vide.json").write_text('{"type": "FeatureCollection", "features": []}')
    return path


def not_utf8(tmp: Path) -> Path:
    text = json.dumps({"type": "FeatureCollection", "name": "Épinay", "features": []})
    (path := tmp / "latin1.json").write_bytes(text.encode("utf-8").replace(b"\\u00c9", b"\xc9"))
    return path


def gzip_bomb(tmp: Path) -> Path:
    path = tmp / "bombe.json.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"type": "FeatureCollection", "features": [')
        block = b" " * (1 << 20)
        for _ in range(96):
            out.write(block)
    return path


def another_commune(tmp: Path) -> Path:
    return CADASTRE_91216  # imported as the file of commune 25354


def half_of_the_commune(tmp: Path) -> Path:
    # Would retire half of 91216's parcels: above 5 %, refused without --allow-retire.
    body = {"type": "FeatureCollection", "features": _features_91216()[::2]}
    (path := tmp / "moitie.json").write_text(json.dumps(body))
    return path


def edigeo_renamed(tmp: Path) -> Path:
    shutil.copy(EDIGEO_SHEETS[0], path := tmp / "feuille.tar.bz2")
    return path


def missing_dbf(tmp: Path) -> Path:
    copy = tmp / "30014_PLU_20171013"
    shutil.copytree(PLU_30014, copy, ignore=shutil.ignore_patterns("Pieces_ecrites"))
    (copy / "Donnees_geographiques" / "30014_ZONE_URBA_20171013.dbf").unlink()
    return copy


def empty_wkt(tmp: Path) -> Path:
    return CC_50545_CSV


def wrong_crs(tmp: Path) -> Path:
    # Lambert-93 coordinates declared as WGS84 longitude/latitude in the .prj.
    copy = tmp / "30014_PLU_20171013"
    shutil.copytree(PLU_30014, copy, ignore=shutil.ignore_patterns("Pieces_ecrites"))
    prj = copy / "Donnees_geographiques" / "30014_ZONE_URBA_20171013.prj"
    prj.write_text(
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
    )
    return copy


def empty_zip(tmp: Path) -> Path:
    with zipfile.ZipFile(path := tmp / "vide.zip", "w"):
        pass
    return path


def zip_bomb(tmp: Path) -> Path:
    with zipfile.ZipFile(path := tmp / "bombe.zip", "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("Donnees_geographiques/ZONE_URBA.dbf", b"\0" * (64 << 20))
    return path


def zip_escaping(tmp: Path) -> Path:
    with zipfile.ZipFile(path := tmp / "evasion.zip", "w") as out:
        out.writestr("../../ZONE_URBA.csv", "LIBELLE,WKT\n")
    return path


def no_zoning(tmp: Path) -> Path:
    (tmp / "Donnees_geographiques").mkdir()
    return tmp


def _parcels(path, **options):
    return import_parcel_files([path], ImportReport(), **options)


def _zones(path, **options):
    return import_plu(path, ImportReport())


CASES = [
    (truncated, _parcels, {}, r"tronque\.json, octet \d+ : .*fichier tronqué"),
    (a_feature_holding_features, _parcels, {}, r"feature\.json.*type « Feature »"),
    (an_array, _parcels, {}, r"tableau\.json, octet 0 : un tableau JSON"),
    (topojson, _parcels, {}, r"topo\.json.*TopoJSON"),
    (
        lambert93_coordinates,
        _parcels,
        {},
        r"lambert\.json : aucune parcelle lisible sur 1 .*WGS84.*lambert\.json n° 0",
    ),
    (empty_collection, _parcels, {}, r"vide\.json : le fichier ne contient aucune parcelle"),
    (not_utf8, _parcels, {}, r"latin1\.json.*UTF-8"),
    (gzip_bomb, _parcels, {}, r"bombe\.json\.gz.*bombe"),
    (another_commune, _parcels, {"commune": "25354"}, r"commune 91216, pas de 25354"),
    (half_of_the_commune, _parcels, {}, r"retirerait 2120 sur 4241 .*--allow-retire"),
    (edigeo_renamed, _parcels, {}, r"feuille\.tar\.bz2 : nom de feuille DGFiP attendu"),
    (missing_dbf, _zones, {}, r"30014_ZONE_URBA_20171013\.shp : .*\.dbf absent"),
    (empty_wkt, _zones, {}, r"SECTEUR_CC\.csv : aucune zone lisible sur 1.*WKT vide"),
    (wrong_crs, _zones, {}, r"30014_ZONE_URBA_20171013\.shp : coordonnées hors de France"),
    (empty_zip, _zones, {}, r"vide\.zip : archive zip vide"),
    (zip_bomb, _zones, {}, r"bombe\.zip : .*bombe de décompression"),
    (zip_escaping, _zones, {}, r"evasion\.zip : chemin interdit"),
    (no_zoning, _zones, {}, r"aucune table ZONE_URBA ni SECTEUR_CC"),
]


@pytest.mark.parametrize(
    ("make", "importer", "options", "message"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_hostile_input_is_refused_and_changes_nothing(
    cadastre_91216, tmp_path, make, importer, options, message
):
    import_plu(PLU_30014, ImportReport())  # zones too, so that both kinds of rows are compared
    before = rows_hash()
    with pytest.raises(ImportRefused, match=message):
        importer(make(tmp_path), **options)
    assert rows_hash() == before


def test_retiring_more_than_5_percent_goes_through_when_allowed(cadastre_91216, tmp_path):
    report = _parcels(half_of_the_commune(tmp_path), allow_retire=True)
    assert report.retired == 2120
    assert Parcel.objects.filter(commune="91216", retired_at__isnull=True).count() == 2121


def test_a_parcel_dry_run_counts_what_would_change_and_changes_nothing(cadastre_91216, tmp_path):
    features = _features_91216()
    features[3]["properties"]["contenance"] += 1
    body = {"type": "FeatureCollection", "features": [*features[1:], _parcel()]}
    (path := tmp_path / "nouveau.json").write_text(json.dumps(body))
    before = rows_hash()
    report = _parcels(path, dry_run=True)
    assert report.dry_run
    assert (report.inserted, report.updated, report.retired) == (1, 1, 1)
    assert rows_hash() == before


def test_paris_accepts_its_arrondissements(tmp_path):
    body = {"type": "FeatureCollection", "features": [_parcel("75118000AA0002")]}
    (path := tmp_path / "paris.json").write_text(json.dumps(body))
    assert _parcels(path, commune="75056").inserted == 1
