"""The instruction page's plan of the site and the statistics page's charts (issue 8, points 2
and 6), on real PostGIS geometries and a known set of dossiers."""

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from accounts.models import Membership, Role
from cadastre.models import Servitude, ServitudeAssiette, Zone
from permits import stats
from permits.models import Dossier, DossierParcel
from tests.cadastre.test_check import parcel_at
from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team
from workflow.states import State

pytestmark = pytest.mark.django_db

# A point of Épinay-sur-Orge in Lambert-93; the test parcels are 20 m squares around it.
ORIGIN = Point(648_000, 6_843_000, srid=2154)


def rectangle(x0, y0, x1, y1) -> MultiPolygon:
    ring = ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
    return MultiPolygon(Polygon(ring), srid=2154)


def zone(libelle, typezone, geom, **fields):
    return Zone.objects.create(idurba="91216_PLU_20200101", document_code="91216_PLU",
                               libelle=libelle, typezone=typezone, geom=geom, **fields)  # fmt: skip


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def site(team):
    """A dossier on one parcel, half in zone UA, half in zone N, inside an AC1 perimeter; zone
    AU and a parcel further away touch nothing of it."""
    x, y = ORIGIN.x, ORIGIN.y
    parcel_at("91216000AB0001", ORIGIN)  # x-10..x+10, y-10..y+10
    parcel_at("91216000AB0002", Point(x + 20, y, srid=2154))  # a neighbour
    zone("UA", "U", rectangle(x - 3000, y - 3000, x, y + 3000), libelong="Centre ancien")
    zone("N", "N", rectangle(x, y - 3000, x + 3000, y + 3000))
    zone("1AU", "AU", rectangle(x - 3000, y + 500, x + 3000, y + 900))
    ac1 = Servitude.objects.create(id_sup="AC1-TEST", category="AC1", name="Église Saint-Leu")
    ServitudeAssiette.objects.create(id_ass="AC1-TEST-1", servitude=ac1, category="AC1",
                                     geom=Point(x, y, srid=2154).buffer(500))  # fmt: skip
    dossier = filed_dossier(team, "PCMI")
    DossierParcel.objects.create(dossier=dossier, idu="91216000AB0001")
    DossierParcel.objects.create(dossier=dossier, idu="91216000AB0099")  # not in the cadastre
    return dossier


def embedded_map(html: str) -> dict:
    match = re.search(r'<script id="site-map-data" type="application/json">(.*?)</script>', html)
    assert match, "the page embeds the map's data"
    return json.loads(match.group(1))


def test_the_instruction_page_draws_the_parcels_with_the_constraints_they_cross(client, team,
                                                                               site):  # fmt: skip
    client.force_login(team.officer)
    html = client.get(f"/instruction/{site.pk}/").content.decode()
    # The constraints in text, complete without the script.
    section = html[html.index('id="site-map-title"') : html.index('<h2 id="pieces">Pièces</h2>')]
    assert "Zone UA (Centre ancien) : 50 % du terrain" in section
    assert "Zone N : 50 % du terrain" in section
    assert "1AU" not in section  # in the frame's neighbourhood, but not crossed
    assert "AC1 — Église Saint-Leu" in section
    assert "91216000AB0099 : absente du cadastre" in section
    # The same on the map: the parcel, the two zones and the servitude, clipped to the frame.
    data = embedded_map(html)
    layers = sorted(f["properties"]["layer"] for f in data["features"])
    assert layers == ["servitude", "site", "zone", "zone"]
    west, south, east, north = data["bbox"]
    assert east - west < 0.01 and north - south < 0.01  # ~200 m, not the 6 km of the zones
    for feature in data["features"]:
        for lon, lat in _points(feature["geometry"]):
            assert west - 1e-6 <= lon <= east + 1e-6 and south - 1e-6 <= lat <= north + 1e-6
    site_feature = next(f for f in data["features"] if f["properties"]["layer"] == "site")
    assert site_feature["properties"]["idu"] == "91216000AB0001"
    assert "/cadastre/carte/" in html and "js/site-map.js" in html


def _points(geometry):
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield c
        else:
            for item in c:
                yield from walk(item)

    yield from walk(geometry["coordinates"])


def test_the_map_is_limited_to_the_communes_the_officer_instructs(client, team, site):
    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    client.force_login(elsewhere.officer)
    response = client.get(f"/instruction/{site.pk}/")
    assert response.status_code == 404
    assert b"site-map-data" not in response.content and b"AB0001" not in response.content
    # The commune's consulted service and mayor do not instruct: no instruction page either.
    for person in (team.consultee, team.mayor):
        client.force_login(person)
        assert client.get(f"/instruction/{site.pk}/").status_code == 403


def test_a_dossier_without_parcel_in_the_cadastre_says_so(client, team):
    dossier = filed_dossier(team, "DP")
    DossierParcel.objects.create(dossier=dossier, idu="91216000ZZ0001")
    client.force_login(team.officer)
    html = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert "Aucune des parcelles du dossier ne figure au cadastre importé" in html
    assert "site-map-data" not in html


# -- Statistics -------------------------------------------------------------------------------


def _set(dossier, **fields):
    Dossier.objects.filter(pk=dossier.pk).update(**fields)


@pytest.fixture
def known_set(team):
    """Seven dossiers of the commune, each figure known in advance, and one elsewhere."""
    today = timezone.localdate()
    jan5 = date(2026, 1, 5)  # filed at 10:00 Paris time
    a = filed_dossier(team, "PCMI", on=jan5)
    _set(a, state=State.EXECUTORY, decision_outcome="grant",
         decision_notified_on=date(2026, 3, 5))  # 59 days  # fmt: skip
    b = filed_dossier(team, "PCMI", on=jan5)
    _set(b, state=State.REFUSED, decision_outcome="refusal",
         decision_notified_on=date(2026, 3, 10))  # 64 days  # fmt: skip
    c = filed_dossier(team, "DP", on=jan5)
    _set(c, state=State.TACIT_GRANTED, decision_outcome="tacit_grant",
         tacit_on=date(2026, 2, 6))  # 32 days  # fmt: skip
    d = filed_dossier(team, "DP", on=jan5)  # proposed, not decided yet: not counted
    _set(d, state=State.DECISION_PROPOSED, decision_outcome="non_opposition",
         action_due_on=today + timedelta(days=3))  # fmt: skip
    e = filed_dossier(team, "PC", on=jan5)
    _set(e, state=State.DEPOSITED, action_due_on=today - timedelta(days=2))  # overdue
    f = filed_dossier(team, "PC", on=jan5)
    _set(f, state=State.UNDER_INSTRUCTION, action_due_on=today + timedelta(days=20))
    g = filed_dossier(team, "PC", on=jan5)
    _set(g, state=State.UNDER_INSTRUCTION, action_due_on=today + timedelta(days=7))
    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    h = filed_dossier(elsewhere, "PCMI", on=jan5)
    _set(h, state=State.TACIT_GRANTED, decision_outcome="tacit_grant", tacit_on=jan5,
         action_due_on=today)  # fmt: skip
    return today


def test_the_figures_are_right_on_a_known_set(team, known_set):
    today = known_set
    figures = stats.compute(Dossier.objects.filter(commune=team.commune), today)
    assert figures.total == 7
    assert dict(figures.by_type) == {"DP": 2, "PC": 3, "PCMI": 2}
    assert dict(figures.by_state) == {"Déposé": 1, "En cours d'instruction": 2,
                                      "Décision proposée": 1, "Exécutoire": 1, "Accord tacite": 1,
                                      "Refusé": 1}  # fmt: skip
    by_type = {d.procedure: d for d in figures.decisions}
    assert by_type["PCMI"].decided == 2 and by_type["PCMI"].median_days == 61.5
    assert by_type["DP"].decided == 1 and by_type["DP"].tacit == 1
    assert by_type["DP"].median_days == 32
    assert "PC" not in by_type
    assert (figures.decided, figures.tacit, figures.tacit_percent) == (3, 1, 33.3)
    risk = dict(figures.at_risk)
    assert risk[None] == 1  # overdue
    assert risk[today + timedelta(days=3)] == 1 and risk[today + timedelta(days=7)] == 1
    assert figures.at_risk_total == 3  # not the one due in 20 days, nor the other commune's


def test_the_statistics_page_draws_each_chart_with_its_text_alternative(client, team,
                                                                        known_set):  # fmt: skip
    client.force_login(team.officer)
    html = client.get("/statistiques/").content.decode()
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 6  # with the share filed online per month (issue 23)
    for svg in svgs:
        labelled = re.search(r'role="img" aria-labelledby="([\w-]+) ([\w-]+)"', svg)
        assert labelled, svg[:200]
        assert f'<title id="{labelled.group(1)}">' in svg
        assert f'<desc id="{labelled.group(2)}">' in svg
        assert "style=" not in svg  # the CSP forbids inline styles: presentation attributes
    desc = dict(re.findall(r'<desc id="([\w-]+)-desc">(.*?)</desc>', html))
    assert desc["delai-median"] == "DP : 32 jours ; PCMI : 61,5 jours."
    assert desc["tacites"].startswith("Toutes procédures : 33,3 % (1 sur 3) ;")
    assert "DP : 100 % (1 sur 1)" in desc["tacites"] and "PCMI : 0 % (0 sur 2)" in desc["tacites"]
    assert desc["par-type"] == "DP : 2 ; PC : 3 ; PCMI : 2."
    assert desc["a-risque"].startswith("En retard : 1 ; Aujourd&#x27;hui : 0 ;")
    # The data tables stay on the page.
    assert html.count("<details>") == 6
    assert '<th scope="row">PCMI</th><td>61,5 jours</td>' in html
    # Bars scale to the largest value: PCMI's median bar is the longest.
    median_svg = next(s for s in svgs if "delai-median-title" in s)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', median_svg)]
    assert widths[1] > widths[0] and abs(widths[0] / widths[1] - 32 / 61.5) < 0.01


def test_the_statistics_cover_only_the_communes_where_the_person_acts(client, team, known_set):
    mayor_elsewhere = UserFactory()
    other = CommuneFactory(insee_code="91345", name="Longjumeau", population=1)
    Membership.objects.create(user=mayor_elsewhere, role=Role.SIGNATORY, commune=other)
    # A consultee role on the first commune does not widen the statistics.
    Membership.objects.create(user=mayor_elsewhere, role=Role.CONSULTEE, commune=team.commune)
    client.force_login(mayor_elsewhere)
    html = client.get("/statistiques/").content.decode()
    assert "<strong>1</strong> dossier déposé" in html
    client.force_login(team.consultee)
    assert client.get("/statistiques/").status_code == 403
