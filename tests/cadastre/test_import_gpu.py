"""PLU/PLUi zoning and SUP deliveries of the Géoportail de l'urbanisme (real samples)."""

from collections import Counter
from datetime import date

import pytest

from cadastre.importers.delivery import DeliveryError
from cadastre.importers.gpu import import_sup
from cadastre.importers.report import ImportReport
from cadastre.importers.urba import import_plu
from cadastre.models import Servitude, ServitudeAssiette, ServitudeGenerator, Zone
from tests.cadastre.conftest import AC1_2A, PLU_30014, PLUI_241800432

pytestmark = pytest.mark.django_db


def test_plu_sample_gives_90_zones_by_typezone():
    report = import_plu(PLU_30014, ImportReport())
    assert (report.read, report.inserted) == (90, 90)
    zones = Zone.objects.filter(idurba="30014_PLU_20171013")
    assert Counter(zones.values_list("typezone", flat=True)) == {
        "A": 50,
        "AUc": 2,
        "N": 22,
        "U": 16,
    }
    ucp = zones.filter(libelle="Ucp").first()
    assert ucp.regulation_file == "30014_reglement_20171013.pdf"
    assert ucp.regulation_page == 24
    assert ucp.approved_on == date(2017, 10, 13)
    assert ucp.typedoc == "PLU"
    assert ucp.libelong.startswith("Zone urbaine soumise à des prescriptions")  # cp1252 → UTF-8
    assert all(z.geom.srid == 2154 and z.geom.valid for z in zones)


def test_plui_sample_gives_221_zones_and_a_redelivery_replaces_them():
    first = import_plu(PLUI_241800432, ImportReport())
    assert first.counts["zones"] == 221
    assert Zone.objects.filter(document_code="241800432_PLUI", is_current=True).count() == 221
    again = import_plu(PLUI_241800432, ImportReport())
    assert (again.inserted, again.updated, again.retired) == (0, 221, 0)
    assert Zone.objects.filter(document_code="241800432_PLUI").count() == 221


def test_only_the_latest_approval_of_a_document_is_current():
    import_plu(PLU_30014, ImportReport())
    newer = Zone.objects.filter(idurba="30014_PLU_20171013").first()
    newer.pk, newer.idurba, newer.approved_on = None, "30014_PLU_20250101", date(2025, 1, 1)
    Zone.objects.bulk_create([newer])
    # Re-delivering the 2017 approval does not put it back in force over the 2025 one.
    report = import_plu(PLU_30014, ImportReport())
    assert report.retired == 90
    assert Zone.objects.get(idurba="30014_PLU_20250101").is_current
    assert not Zone.objects.filter(idurba="30014_PLU_20171013", is_current=True).exists()


def test_ac1_sample_gives_104_generators_and_206_assiettes():
    report = import_sup(AC1_2A, ImportReport())
    assert report.counts == {
        "servitudes": 102,  # two servitudes each protect two objects
        "generators": 104,
        "assiettes": 206,
        "assiettes_relinked": 1,
    }
    assert not report.rejected
    assert ServitudeGenerator.objects.count() == 104
    assert ServitudeAssiette.objects.count() == 206
    assert ServitudeAssiette.objects.filter(buffer_m=500).count() == 102
    assert set(ServitudeAssiette.objects.values_list("category", flat=True)) == {"AC1"}
    assert Counter(ServitudeGenerator.objects.values_list("protection", flat=True)) == {
        "Classé": 45,
        "Inscrit": 59,
    }
    cathedral = Servitude.objects.get(id_sup="AC1-172014607-00099058")
    assert cathedral.name == "Cathédrale Notre-Dame"
    assert cathedral.manager.startswith("DRAC Corse")
    assert cathedral.acts and cathedral.acts[0]["type"] == "Arrêté ministériel"
    # The delivery's mistyped IdGen (…-0009076) is linked to the monument it surrounds.
    relinked = ServitudeAssiette.objects.get(id_ass="AC1-172014607-0009076-121")
    assert relinked.generator.id_gen == "AC1-172014607-00099076"


def test_reimporting_the_ac1_sample_duplicates_nothing():
    import_sup(AC1_2A, ImportReport())
    again = import_sup(AC1_2A, ImportReport())
    assert (again.inserted, again.updated) == (0, 310)
    assert ServitudeAssiette.objects.count() == 206


def test_a_folder_without_deliveries_is_refused(tmp_path):
    with pytest.raises(DeliveryError):
        import_sup(tmp_path, ImportReport())
    with pytest.raises(DeliveryError):
        import_plu(tmp_path, ImportReport())
