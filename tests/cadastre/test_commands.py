"""check_parcels, import_plu and import_sup from the command line."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cadastre.check import check_parcels
from cadastre.models import Servitude, Zone
from tests.cadastre.conftest import AC1_2A, PLU_30014

pytestmark = pytest.mark.django_db


def test_check_parcels_prints_a_french_summary(cadastre_91216):
    out = StringIO()
    call_command("check_parcels", "--commune", "91216", "AB25", "AB 26", "AB 41", stdout=out)
    text = out.getvalue()
    assert "91216000AB0025  trouvée" in text
    assert "AB 41            91216000AB0041  non trouvée" in text
    assert "1 ensemble(s) contigu(s)" in text
    assert "Vouliez-vous dire : AB 40, AB 42" in text


def test_check_parcels_json_and_site_file(cadastre_91216, tmp_path):
    site = tmp_path / "site.geojson"
    site.write_text(
        json.dumps(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[2.0, 48.0], [2.001, 48.0], [2.001, 48.001], [2.0, 48.0]]],
                },
            }
        )
    )
    out = StringIO()
    call_command(
        "check_parcels", "--commune", "91216", "AB25", "--site", str(site), "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["parcels"][0]["found"] and data["site_boundary"]["within_parcels"] is False


def test_import_plu_and_sup_commands():
    out = StringIO()
    call_command("import_plu", str(PLU_30014), "--json", stdout=out)
    assert json.loads(out.getvalue())["counts"] == {"zones": 90}
    out = StringIO()
    call_command("import_sup", str(AC1_2A), stdout=out)
    assert "assiettes : 206" in out.getvalue()
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        call_command("import_sup", str(PLU_30014))
    with pytest.raises(CommandError, match="Format non reconnu"):
        call_command("import_cadastre", str(AC1_2A / "SUP-AC1-2A-172014607-20180130.xml"))


def test_demo_constraints_are_drawn_for_91216_and_labelled_illustrative(cadastre_91216):
    out = StringIO()
    call_command("draw_demo_constraints", "91216", stdout=out)
    call_command("draw_demo_constraints", "91216", stdout=out)  # idempotent
    zones = Zone.objects.filter(insee="91216")
    assert zones.exists() and all(z.illustrative and "ILLUSTRATIF" in z.libelong for z in zones)
    assert Servitude.objects.get(id_sup="AC1-ILLUSTRATIF-91216").illustrative
    result = check_parcels(["AB 25"], "91216")
    assert result.zones and all(z["illustrative"] for z in result.zones)
    with pytest.raises(CommandError, match="Importez d'abord"):
        call_command("draw_demo_constraints", "99999")


def test_a_refused_delivery_exits_non_zero_and_reports_carry_their_duration():
    from tests.cadastre.conftest import CC_50545_CSV

    with pytest.raises(CommandError, match=r"rien n'a été modifié : SECTEUR_CC\.csv.*WKT vide"):
        call_command("import_plu", str(CC_50545_CSV))
    out = StringIO()
    call_command("import_plu", str(PLU_30014), "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["dry_run"] and report["inserted"] == 90 and report["seconds"] > 0
    assert not Zone.objects.exists()
