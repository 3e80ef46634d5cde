"""The JSON parcel check and the GeoJSON map endpoint."""

import json

import pytest
from django.urls import reverse

from cadastre import views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHECK = reverse("cadastre:parcel_check")
MAP = reverse("cadastre:map_features")
# Around parcels AB 25 and AB 26 of Épinay-sur-Orge.
BBOX = "2.322,48.679,2.327,48.682"


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def test_anonymous_callers_are_refused_in_french(client):
    for url in (f"{CHECK}?commune=91216&ref=AB25", f"{MAP}?bbox={BBOX}"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == {
            "error": "authentication_required",
            "message": "Connectez-vous pour continuer.",
        }


def test_the_check_answers_json_with_english_fields(signed_in, cadastre_91216):
    response = signed_in.get(f"{CHECK}?commune=91216&ref=AB25&ref=AB26")
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True and data["contiguous"] is True
    assert [p["idu"] for p in data["parcels"]] == ["91216000AB0025", "91216000AB0026"]
    assert set(data["procedure"]) >= {"flags", "majorations", "consultations", "effects"}
    assert data["centroid"]["wgs84"][0] == pytest.approx(2.33, abs=0.02)


def test_the_check_accepts_a_drawn_site_by_post(signed_in, cadastre_91216):
    site = {
        "type": "Polygon",
        "coordinates": [[[2.0, 48.0], [2.001, 48.0], [2.001, 48.001], [2.0, 48.0]]],
    }
    response = signed_in.post(
        CHECK,
        json.dumps({"commune": "91216", "refs": ["AB 25"], "site": site}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["site_boundary"]["within_parcels"] is False
    response = signed_in.post(
        CHECK,
        json.dumps({"commune": "91216", "refs": ["AB 25"], "site": {"type": "Point"}}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_site"


@pytest.mark.parametrize(
    ("query", "error"),
    [("commune=9121&ref=AB25", "invalid_commune"), ("commune=91216", "missing_refs")],
)
def test_bad_check_requests_get_a_french_message(signed_in, query, error):
    response = signed_in.get(f"{CHECK}?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == error and response.json()["message"]
    too_many = "&".join(f"ref=AB{n}" for n in range(60))
    assert signed_in.get(f"{CHECK}?commune=91216&{too_many}").json()["error"] == "too_many_refs"
    bad = signed_in.post(CHECK, "pas du json", content_type="application/json")
    assert bad.json()["error"] == "invalid_json"


def test_the_map_returns_geojson_features_in_wgs84(signed_in, cadastre_91216):
    response = signed_in.get(f"{MAP}?bbox={BBOX}&layers=parcels")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and data["truncated"] == []
    ids = {f["id"] for f in data["features"]}
    assert {"91216000AB0025", "91216000AB0026"} <= ids
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 2.3 < lon < 2.36 and 48.65 < lat < 48.7
    assert data["features"][0]["properties"]["layer"] == "parcel"


def test_the_map_caps_the_number_of_features(signed_in, cadastre_91216, monkeypatch):
    monkeypatch.setitem(views.MAX_FEATURES, "parcels", 5)
    data = json.loads(signed_in.get(f"{MAP}?bbox={BBOX}").content)
    assert len([f for f in data["features"] if f["properties"]["layer"] == "parcel"]) == 5
    assert data["truncated"] == ["parcels"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("bbox=1,2,3", "invalid_bbox"),
        ("bbox=3,48,2,49", "invalid_bbox"),
        ("bbox=1,40,3,49", "bbox_too_large"),
        (f"bbox={BBOX}&layers=batiments", "invalid_layers"),
    ],
)
def test_bad_map_requests_get_a_french_message(signed_in, query, error):
    response = signed_in.get(f"{MAP}?{query}")
    assert response.status_code == 400 and response.json()["error"] == error
    assert response.json()["message"]
