"""The parcel check on the real 91216 cadastre, the real EDIGEO sheets and the real AC1 and
PLU deliveries (cases built by placing a parcel inside their real geometries)."""

import json
import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from cadastre.check import check_parcels
from cadastre.importers import edigeo
from cadastre.importers.gpu import import_sup
from cadastre.importers.parcels import load
from cadastre.importers.report import ImportReport
from cadastre.importers.urba import import_plu
from cadastre.models import Parcel, ServitudeGenerator, Zone
from tests.cadastre.conftest import AC1_2A, EDIGEO_SHEETS, PLU_30014
from workflow.clock.rules import ExceptionFlag, MajorationReason, ServiceKind

pytestmark = pytest.mark.django_db


def square(centre: Point, side: float = 20) -> MultiPolygon:
    x, y, h = centre.x, centre.y, side / 2
    ring = ((x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h), (x - h, y - h))
    return MultiPolygon(Polygon(ring), srid=2154)


def parcel_at(idu: str, centre: Point, side: float = 20) -> Parcel:
    return Parcel.objects.create(
        idu=idu,
        commune=idu[:5],
        prefixe=idu[5:8],
        section=idu[8:10],
        numero=idu[10:],
        contenance_m2=int(side * side),
        geom=square(centre, side),
        source="test",
    )


def test_a_contiguous_pair_is_one_unit(cadastre_91216):
    result = check_parcels(["AB 25", "91216000AB0026"], "91216")
    assert [p.idu for p in result.parcels] == ["91216000AB0025", "91216000AB0026"]
    assert all(p.found and p.in_commune and p.valid_geometry for p in result.parcels)
    assert result.units == 1 and result.contiguous
    assert result.ok
    sum_areas = sum(p.area_m2 for p in result.parcels)
    assert result.area_m2 == pytest.approx(sum_areas, rel=1e-3)  # they touch, do not overlap
    assert result.contenance_m2 == sum(p.contenance_m2 for p in result.parcels)
    lon, lat = result.centroid_wgs84
    assert 2.30 < lon < 2.35 and 48.66 < lat < 48.69  # Épinay-sur-Orge
    assert result.zones == [] and result.servitudes == []
    assert not result.impact.flags and not result.impact.majorations


def test_a_distant_pair_is_two_units(cadastre_91216):
    result = check_parcels(["AB37", "AM238"], "91216")
    assert all(p.found for p in result.parcels)
    assert result.units == 2 and not result.contiguous and not result.ok
    assert {p.unit for p in result.parcels} == {1, 2}
    assert any("2 ensembles non contigus" in m for m in result.messages)


def test_the_parcel_without_contenance_is_reported(cadastre_91216):
    result = check_parcels(["AC 389"], "91216")
    assert result.parcels[0].found and result.parcels[0].contenance_m2 is None
    assert result.contenance_missing == ["91216000AC0389"]
    assert result.area_m2 > 0


def test_a_parcel_of_another_commune_is_reported(cadastre_91216):
    report = ImportReport()
    load(edigeo.read(EDIGEO_SHEETS[0], report), report, source="edigeo")
    result = check_parcels(["AB 25", "25354000AB0001"], "91216")
    other = result.parcels[1]
    assert other.found and other.in_commune is False
    assert other.error == "other_commune"
    assert "autre commune" in other.message and "25354" in other.message
    assert not result.ok


def test_a_typo_gets_close_suggestions_and_garbage_a_french_message(cadastre_91216):
    # Section AB holds 25, 26, 31, 35, 37-40 and 42-45: 41 is a typo.
    result = check_parcels(["AB 41", "n'importe quoi", "QQ 9999"], "91216")
    missing, garbage, far = result.parcels
    assert missing.error == "not_found" and not missing.found
    assert missing.suggestions[:2] == ["91216000AB0040", "91216000AB0042"]
    assert len(missing.suggestions) == 5
    assert "Vouliez-vous dire : AB 40, AB 42" in missing.message
    assert far.error == "not_found" and far.suggestions == []
    assert garbage.error == "invalid_reference"
    assert "section et le numéro" in garbage.message
    assert result.area_m2 is None and result.units == 0 and not result.ok
    assert len(result.messages) == 3


def test_a_drawn_site_boundary_is_checked_against_the_parcels(cadastre_91216):
    union = Parcel.objects.get(idu="91216000AB0025").geom.union(
        Parcel.objects.get(idu="91216000AB0026").geom
    )
    inside = union.buffer(-1).transform(4326, clone=True)
    result = check_parcels(["AB 25", "AB 26"], "91216", json.loads(inside.geojson))
    assert result.site.valid and result.site.within_parcels
    assert result.site.outside_parcels_m2 == 0
    overflowing = union.buffer(30).transform(4326, clone=True)
    result = check_parcels(["AB 25", "AB 26"], "91216", overflowing.geojson)
    assert not result.site.within_parcels and result.site.outside_parcels_m2 > 1000
    assert not result.ok
    with pytest.raises(ValueError):
        check_parcels(["AB 25"], "91216", {"type": "Point", "coordinates": [2.3, 48.6]})


def off_monuments(centre: Point, distance: float) -> Point:
    """A point at `distance` from `centre` whose 20 m square touches no protected building."""
    monuments = ServitudeGenerator.objects.all()
    for step in range(16):
        angle = step * math.pi / 8
        point = Point(
            centre.x + distance * math.cos(angle), centre.y + distance * math.sin(angle), srid=2154
        )
        if not monuments.filter(geom__intersects=square(point)).exists():
            return point
    raise AssertionError("no free spot around the monument")


def test_a_parcel_in_the_abords_of_a_real_monument_needs_the_abf_and_a_majoration():
    import_sup(AC1_2A, ImportReport())
    cathedral = ServitudeGenerator.objects.get(servitude__id_sup="AC1-172014607-00099058")
    abords = cathedral.assiettes.get(mode="Zone tampon")
    assert abords.buffer_m == 500
    near = off_monuments(cathedral.geom.centroid, 200)
    assert abords.geom.contains(square(near))
    parcel_at("2A004000AB0001", near)

    result = check_parcels(["AB 1"], "2A004")

    assert result.parcels[0].found and result.parcels[0].in_commune
    impact = result.impact
    assert ExceptionFlag.ABORDS_MH in impact.flags
    assert ExceptionFlag.ABF_ACCORD_REQUIRED in impact.flags and impact.abf_accord_required
    assert impact.majorations == {MajorationReason.R423_24_C_SPR_ABORDS_MH}
    assert impact.consultations == {ServiceKind.ABF}
    assert not impact.to_confirm  # the works are not on a monument itself
    assert {s["category"] for s in result.servitudes} == {"AC1"}
    # Ajaccio's monuments are close together: the abords of several overlap there.
    cathedral_abords = [s for s in result.servitudes if s["name"] == "Cathédrale Notre-Dame"]
    assert [(s["mode"], s["share"], s["effects"]) for s in cathedral_abords] == [
        ("Zone tampon", 1.0, ["abords_mh"])
    ]
    data = result.as_dict()["procedure"]
    assert data["majorations"] == ["R423_24_C_SPR_ABORDS_MH"]
    assert data["consultations"] == ["abf"] and data["abf_accord_required"] is True


def test_a_parcel_on_a_classe_monument_asks_the_officer_to_confirm_the_works():
    import_sup(AC1_2A, ImportReport())
    cathedral = ServitudeGenerator.objects.get(servitude__id_sup="AC1-172014607-00099058")
    assert cathedral.protection == "Classé"
    parcel_at("2A004000AB0002", cathedral.geom.point_on_surface, side=4)
    result = check_parcels(["2A004000AB0002"], "2A004")
    codes = {e.code: e for e in result.impact.effects}
    assert set(codes) == {"mh_classe", "abords_mh"}
    assert codes["mh_classe"].to_confirm and not codes["abords_mh"].to_confirm
    assert ExceptionFlag.ADJOINS_MH_CLASSE not in result.impact.flags  # until confirmed


def test_a_parcel_far_from_any_monument_has_no_servitude():
    import_sup(AC1_2A, ImportReport())
    parcel_at("2A004000AB0003", Point(1100000, 6100000, srid=2154))  # at sea, west of Ajaccio
    result = check_parcels(["AB 3"], "2A004")
    assert result.servitudes == [] and not result.impact.effects


def only_in(zones, margin: float = 20) -> tuple[Zone, Point]:
    """A zone and a point of it at `margin` m from every other zone (real zones overlap)."""
    for zone in zones:
        area = zone.geom
        for other in Zone.objects.exclude(pk=zone.pk).filter(geom__dwithin=(zone.geom, margin)):
            area = area.difference(other.geom.buffer(margin))
        if not area.empty:
            return zone, area.point_on_surface
    raise AssertionError("every zone overlaps another")


def test_zones_crossed_are_reported_with_their_share_and_effects():
    import_plu(PLU_30014, ImportReport())
    zone, point = only_in(Zone.objects.filter(idurba="30014_PLU_20171013", libelle="A"))
    parcel_at("30014000ZA0001", point, side=10)
    result = check_parcels(["ZA 1"], "30014")
    assert [(z["libelle"], z["typezone"], z["share"]) for z in result.zones] == [("A", "A", 1.0)]
    found = result.zones[0]
    assert found["regulation_file"] == "30014_reglement_20171013.pdf"
    assert found["regulation_page"] == zone.regulation_page == 51
    assert found["approved_on"] == "2017-10-13"
    (effect,) = result.impact.effects
    assert effect.code == "cdpenaf" and effect.to_confirm
    assert not result.impact.majorations  # CDPENAF depends on the project


def test_a_parcel_across_two_zones_gets_both_shares():
    import_plu(PLU_30014, ImportReport())
    zones = list(Zone.objects.filter(idurba="30014_PLU_20171013").order_by("pk"))

    def spots():
        """A point on the border of two zones, far from the others, whose square lies wholly in
        the two (the real PLU has slivers between some zones: those pairs are passed over)."""
        for a in zones:
            for b in zones:
                if a.pk < b.pk and a.geom.touches(b.geom) and a.libelle != b.libelle:
                    boundary = a.geom.intersection(b.geom)
                    for other in zones:
                        if other.pk not in (a.pk, b.pk):
                            boundary = boundary.difference(other.geom.buffer(20))
                    if boundary.empty:
                        continue
                    centre = boundary.point_on_surface
                    if square(centre, 10).difference(a.geom.union(b.geom)).area < 1e-6:
                        yield a, b, centre

    a, b, centre = next(spots())
    parcel_at("30014000ZB0001", centre, side=10)
    result = check_parcels(["ZB 1"], "30014")
    shares = {z["libelle"]: z["share"] for z in result.zones}
    assert set(shares) == {a.libelle, b.libelle}
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)


def test_paris_arrondissements_are_resolved_within_the_commune():
    parcel_at("75118000AA0002", Point(651000, 6866000, srid=2154))
    parcel_at("75101000AA0002", Point(651500, 6862000, srid=2154))
    parcel_at("75118000AA0003", Point(651020, 6866000, srid=2154))
    result = check_parcels(["75118000AA0002", "AA 3"], "75056")
    assert [p.idu for p in result.parcels] == ["75118000AA0002", "75118000AA0003"]
    assert all(p.in_commune for p in result.parcels) and result.contiguous
    ambiguous = check_parcels(["AA 2"], "75056").parcels[0]
    assert ambiguous.error == "ambiguous"
    assert set(ambiguous.suggestions) == {"75118000AA0002", "75101000AA0002"}


def test_a_parcel_typed_twice_in_two_forms_counts_once(cadastre_91216):
    once = check_parcels(["AB 25"], "91216")
    twice = check_parcels(["AB 25", "91216000AB0025", "ab25"], "91216")
    assert [p.idu for p in twice.found] == ["91216000AB0025"]
    assert twice.contenance_m2 == once.contenance_m2
    assert twice.area_m2 == once.area_m2
    assert twice.parcels[1].duplicate_of == "AB 25"
    assert "91216000AB0025 : Même parcelle que « AB 25 » : comptée une fois." in twice.messages


def test_paris_typed_under_the_commune_code_gets_suggestions_from_its_arrondissements():
    parcel_at("75118000AA0002", Point(651000, 6866000, srid=2154))
    parcel_at("75118000AA0003", Point(651020, 6866000, srid=2154))
    under_arrondissement = check_parcels(["AA 4"], "75118").parcels[0]
    under_commune = check_parcels(["AA 4"], "75056").parcels[0]
    assert under_arrondissement.suggestions == ["75118000AA0003", "75118000AA0002"]
    assert under_commune.error == "not_found"
    assert under_commune.suggestions == under_arrondissement.suggestions
    assert "Vouliez-vous dire : 75118000AA0003, 75118000AA0002 ?" in under_commune.message
