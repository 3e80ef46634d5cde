"""Documents d'urbanisme of every generation: the real deliveries of ../shared/data/gpu (PLU,
PLUi, two cartes communales, a CSV to refuse) and variants built from them in the layouts real
deliveries use (plain names without IDURBA, old-style identifiers, GeoPackage, zip)."""

import shutil
import zipfile
from collections import Counter
from datetime import date

import pandas as pd
import pyogrio
import pytest

from cadastre.importers.delivery import DeliveryError
from cadastre.importers.report import ImportReport
from cadastre.importers.urba import import_plu
from cadastre.models import SECTOR_TYPES, Zone
from tests.cadastre.conftest import (
    CC_19182,
    CC_50545,
    CC_50545_CSV,
    PLU_30014,
    PLUI_241800432,
    rows_hash,
)

pytestmark = pytest.mark.django_db

ZONES_30014 = PLU_30014 / "Donnees_geographiques" / "30014_ZONE_URBA_20171013.shp"


def test_plui_approval_date_comes_from_doc_urba():
    import_plu(PLUI_241800432, ImportReport())
    assert set(
        Zone.objects.filter(document_code="241800432_PLUI").values_list("approved_on", flat=True)
    ) == {date(2020, 1, 28)}


def test_carte_communale_19182_in_mapinfo_gives_19_sectors():
    report = import_plu(CC_19182, ImportReport())
    assert (report.read, report.inserted, report.counts) == (19, 19, {"secteurs": 19})
    assert report.repaired == 2  # two self-intersecting sectors, repaired by shapely
    sectors = Zone.objects.filter(idurba="19182_CC_20150517")
    assert Counter(sectors.values_list("typezone", flat=True)) == {"01": 17, "02": 1, "03": 1}
    assert set(sectors.values_list("typedoc", "document_code", "approved_on", "insee")) == {
        ("CC", "19182_CC", date(2015, 5, 17), "19182")
    }
    assert all(z.geom.valid and z.geom.srid == 2154 for z in sectors)
    closed = sectors.get(typezone="03")
    assert closed.libelong  # as delivered, or the meaning of its TYPESECT
    assert "L161-4" in SECTOR_TYPES["03"]


def test_carte_communale_50545_of_2013_finds_its_document_in_a_departement_table():
    report = import_plu(CC_50545, ImportReport())
    assert report.counts == {"secteurs": 3}
    sectors = Zone.objects.filter(insee="50545")
    # DOC_URBA lists 844 documents, two of 50545: the sectors' DATAPPRO picks the 2013 one.
    assert set(sectors.values_list("idurba", "document_code", "approved_on")) == {
        ("50545_20130902", "50545_CC", date(2013, 9, 2))
    }
    assert sorted(sectors.values_list("typezone", flat=True)) == ["01", "02", "03"]
    assert sectors.get(typezone="03").libelong.startswith("Secteur non ouvert")


def test_the_csv_delivery_with_an_empty_wkt_is_refused_and_changes_nothing():
    import_plu(PLU_30014, ImportReport())
    before = rows_hash()
    with pytest.raises(DeliveryError, match=r"SECTEUR_CC\.csv.*n° 0.*colonne WKT vide"):
        import_plu(CC_50545_CSV, ImportReport())
    assert rows_hash() == before


def _plain_delivery(tmp_path, idurba_on_zones=False, doc_idurba="30014_PLU_20171013"):
    """The 30014 PLU as the 2013/2014 standards deliver it: plain names, zones without IDURBA
    (INSEE and DATAPPRO instead), the identifier only in DOC_URBA."""
    geo = tmp_path / "Donnees_geographiques"
    geo.mkdir()
    zones = pyogrio.read_dataframe(ZONES_30014)
    if not idurba_on_zones:
        zones = zones.drop(columns=["IDURBA"]).assign(INSEE="30014", DATAPPRO="20171013")
    pyogrio.write_dataframe(zones, geo / "ZONE_URBA.shp")
    documents = pd.DataFrame(
        {"IDURBA": [doc_idurba], "TYPEDOC": ["PLU"], "DATAPPRO": ["20171013"], "ETAT": ["03"]}
    )
    pyogrio.write_dataframe(documents, tmp_path / "DOC_URBA.dbf", driver="ESRI Shapefile")
    return tmp_path


def test_a_plain_named_delivery_without_idurba_on_zones_takes_it_from_doc_urba(tmp_path):
    report = import_plu(_plain_delivery(tmp_path), ImportReport())
    assert (report.read, report.inserted, dict(report.rejected)) == (90, 90, {})
    zones = Zone.objects.filter(idurba="30014_PLU_20171013")
    assert zones.count() == 90
    assert set(zones.values_list("approved_on", "insee")) == {(date(2017, 10, 13), "30014")}


def test_an_old_style_identifier_without_underscore_is_understood(tmp_path):
    report = import_plu(_plain_delivery(tmp_path, doc_idurba="3001420171013"), ImportReport())
    assert report.inserted == 90
    zone = Zone.objects.filter(idurba="3001420171013").first()
    assert (zone.document_code, zone.typedoc, zone.approved_on) == (
        "30014_PLU",
        "PLU",
        date(2017, 10, 13),
    )


def test_doc_urba_listing_two_documents_without_a_date_to_choose_is_refused(tmp_path):
    delivery = _plain_delivery(tmp_path)
    zones = pyogrio.read_dataframe(delivery / "Donnees_geographiques" / "ZONE_URBA.shp")
    pyogrio.write_dataframe(
        zones.drop(columns=["DATAPPRO"]), delivery / "Donnees_geographiques" / "ZONE_URBA.shp"
    )
    documents = pd.DataFrame(
        {
            "IDURBA": ["30014_PLU_20171013", "30014_PLU_20220101"],
            "TYPEDOC": ["PLU", "PLU"],
            "DATAPPRO": ["20171013", "20220101"],
        }
    )
    pyogrio.write_dataframe(documents, delivery / "DOC_URBA.dbf", driver="ESRI Shapefile")
    before = rows_hash()
    with pytest.raises(DeliveryError, match=r"ZONE_URBA\.shp.*2 documents possibles"):
        import_plu(delivery, ImportReport())
    assert rows_hash() == before


def test_geopackage_and_zip_deliveries_give_the_same_zones(tmp_path):
    zones = pyogrio.read_dataframe(ZONES_30014)
    package = tmp_path / "30014_PLU_20171013.gpkg"
    pyogrio.write_dataframe(zones, package, layer="ZONE_URBA")
    assert import_plu(package, ImportReport()).inserted == 90
    archive = tmp_path / "30014_PLU_20171013.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in PLU_30014.rglob("*"):
            if path.is_file() and "Pieces_ecrites" not in path.parts:
                out.write(path, path.relative_to(PLU_30014.parent))
    again = import_plu(archive, ImportReport())
    assert (again.inserted, again.updated) == (0, 90)
    assert Zone.objects.get(idurba="30014_PLU_20171013", libelle="Ucp").approved_on == date(
        2017, 10, 13
    )


def test_a_dry_run_reports_and_changes_nothing():
    before = rows_hash()
    report = import_plu(PLU_30014, ImportReport(), dry_run=True)
    assert report.dry_run and report.inserted == 90 and report.counts == {"zones": 90}
    assert report.seconds > 0
    assert rows_hash() == before


def test_a_copy_without_its_dbf_is_refused_naming_the_file(tmp_path):
    copy = tmp_path / "30014_PLU_20171013"
    shutil.copytree(PLU_30014, copy, ignore=shutil.ignore_patterns("Pieces_ecrites"))
    (copy / "Donnees_geographiques" / "30014_ZONE_URBA_20171013.dbf").unlink()
    with pytest.raises(DeliveryError, match=r"30014_ZONE_URBA_20171013\.shp.*\.dbf absent"):
        import_plu(copy, ImportReport())
