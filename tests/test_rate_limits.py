"""Rate limits on the costly public endpoints (issue 20, point 6): past the limit a French 429
with Retry-After, per person or address; the cheap pages are not counted; off by setting."""

import pytest
from django.test import Client

from api.models import Scope, ServiceAccount
from tests.api.conftest import bearer
from tests.factories import UserFactory, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.PERMIS_RATE_LIMITS_ENABLED = True
    settings.PERMIS_RATE_LIMITS = {
        "verifier": "2/min",
        "registers_export": "2/min",
        "parcel_check": "2/min",
    }
    return settings


def assert_french_429(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Trop de demandes en peu de temps. Réessayez dans" in response.content.decode()


def test_the_verifier_counts_checks_not_visits(client, limits):
    for _ in range(5):
        assert client.get("/verifier/").status_code == 200  # the empty form: free
    assert client.post("/verifier/").status_code == 400  # no file: counted all the same
    assert client.post("/verifier/").status_code == 400
    response = client.post("/verifier/")
    assert_french_429(response)
    assert "<h1>Trop de demandes</h1>" in response.content.decode()
    assert client.get("/verifier/?numero=PC0912162600001&empreinte=00").status_code == 429
    # Another address has its own count.
    assert Client(REMOTE_ADDR="192.0.2.7").post("/verifier/").status_code == 400


def test_the_registers_exports_are_limited_not_the_page(client, limits):
    assert client.get("/registres/?format=csv-depots").status_code == 200
    assert client.get("/registres/?format=json").status_code == 200
    assert_french_429(client.get("/registres/?format=csv-decisions"))
    assert client.get("/registres/").status_code == 200


def test_the_parcel_check_answers_a_json_429(client, limits):
    client.force_login(UserFactory())
    query = {"commune": "91216", "ref": "AB1"}
    for _ in range(2):
        assert client.get("/cadastre/verification/", query).status_code != 429
    response = client.get("/cadastre/verification/", query)
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response.json()["message"].startswith("Trop de demandes")
    client.force_login(UserFactory())  # another person
    assert client.get("/cadastre/verification/", query).status_code != 429


def test_the_api_parcel_check_is_limited_per_service_account(limits):
    team = make_team()
    _, token = ServiceAccount.create("SIG", [team.commune], [Scope.PARCELS])
    system = Client(**bearer(token))
    query = {"commune": "91216", "ref": "AB 1"}
    for _ in range(2):
        assert system.get("/api/parcels/check/", query).status_code == 200
    response = system.get("/api/parcels/check/", query)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "detail" in response.json()


def test_limits_can_be_turned_off(client, limits):
    limits.PERMIS_RATE_LIMITS_ENABLED = False
    for _ in range(5):
        assert client.get("/registres/?format=csv-depots").status_code == 200
