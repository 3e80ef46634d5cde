"""The parcel map's address search (issue 19): the server asks the Base Adresse Nationale at
PERMIS_BAN_URL, played here by a local HTTP server answering as the BAN's /search/ does; the
browser only ever talks to our origin. Nothing is configured, nothing is asked."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GARE = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.3254, 48.6712]},
        "properties": {"label": "12 Rue de la Gare 91360 Épinay-sur-Orge", "citycode": "91216"},
    }],
}  # fmt: skip


@pytest.fixture
def ban():
    """A local BAN: the queries it received, and its URL."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlsplit(self.path).query)
            asked.append(query)
            if query.get("q") == ["panne"]:
                self.send_response(502)
                self.end_headers()
                return
            body = json.dumps(GARE if "gare" in query["q"][0].lower() else
                              {"type": "FeatureCollection", "features": []}).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield asked, f"http://127.0.0.1:{server.server_port}/search/"
    server.shutdown()


def test_the_address_search_asks_the_ban_for_the_commune(client, settings, ban):
    asked, url = ban
    settings.PERMIS_BAN_URL = url
    client.force_login(UserFactory())
    response = client.get("/cadastre/adresse/", {"q": "12 rue de la gare", "commune": "91216"})
    assert response.status_code == 200
    assert response.json() == {"results": [{"label": "12 Rue de la Gare 91360 Épinay-sur-Orge",
                                            "lat": 48.6712, "lon": 2.3254}]}  # fmt: skip
    assert asked[-1]["citycode"] == ["91216"] and asked[-1]["limit"] == ["5"]


def test_a_ban_failure_gives_a_french_message(client, settings, ban):
    settings.PERMIS_BAN_URL = ban[1]
    client.force_login(UserFactory())
    response = client.get("/cadastre/adresse/", {"q": "panne", "commune": "91216"})
    assert response.status_code == 503
    assert response.json()["error"] == "geocoder_unavailable"
    assert "momentanément indisponible" in response.json()["message"]


def test_without_a_ban_url_nothing_is_asked(client, settings, ban):
    asked, _ = ban
    settings.PERMIS_BAN_URL = ""
    client.force_login(UserFactory())
    response = client.get("/cadastre/adresse/", {"q": "12 rue de la gare", "commune": "91216"})
    assert response.json() == {"results": []} and asked == []


def test_the_search_needs_a_session_and_a_commune(client, settings, ban):
    settings.PERMIS_BAN_URL = ban[1]
    assert client.get("/cadastre/adresse/", {"q": "gare", "commune": "91216"}).status_code == 401
    client.force_login(UserFactory())
    assert client.get("/cadastre/adresse/", {"q": "gare", "commune": "x"}).status_code == 400


def test_the_tile_server_is_the_only_other_image_origin(settings):
    from config.middleware import CONTENT_SECURITY_POLICY, content_security_policy

    settings.PERMIS_TILE_URL = ""
    assert content_security_policy() == CONTENT_SECURITY_POLICY
    settings.PERMIS_TILE_URL = "https://data.geopf.fr/wmts?layer=PLAN.IGN&x={x}&y={y}&z={z}"
    policy = content_security_policy()
    assert "img-src 'self' data: https://data.geopf.fr;" in policy
    assert "default-src 'self';" in policy  # scripts and fetches stay on our origin
