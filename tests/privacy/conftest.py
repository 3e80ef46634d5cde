"""A fixture server answering like recherche-entreprises.api.gouv.fr: a real HTTP server on
127.0.0.1 (no network at test time), whose answers the tests choose."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from tests.api.conftest import guichet_b, system, world  # noqa: F401  (the API's fixtures)
from tests.factories import ApplicantFactory, DossierFactory, UserFactory

ACME = {
    "siren": "552100554",
    "nom_complet": "ACME CONSTRUCTION (ACME)",
    "nom_raison_sociale": "ACME CONSTRUCTION",
    "nature_juridique": "5710",
    "siege": {
        "siret": "55210055400013",
        "numero_voie": "12",
        "type_voie": "RUE",
        "libelle_voie": "DES LILAS",
        "code_postal": "91360",
        "libelle_commune": "EPINAY-SUR-ORGE",
        "adresse": "12 RUE DES LILAS 91360 EPINAY-SUR-ORGE",
    },
    "matching_etablissements": [
        {
            "siret": "55210055400021",
            "adresse": "3 AVENUE DE LA GARE 91300 MASSY",
            "numero_voie": "3",
            "type_voie": "AVENUE",
            "libelle_voie": "DE LA GARE",
            "code_postal": "91300",
            "libelle_commune": "MASSY",
        }
    ],
}


class Register:
    def __init__(self):
        self.units = [ACME]
        self.status = 200
        self.requests: list[str] = []


@pytest.fixture
def sirene(settings):
    register = Register()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            query = parse_qs(url.query).get("q", [""])[0]
            register.requests.append(query)
            if url.path != "/search" or register.status != 200:
                self.send_response(register.status if url.path == "/search" else 404)
                self.end_headers()
                return
            results = [
                unit
                for unit in register.units
                if query
                in {unit["siege"]["siret"], *(e["siret"] for e in unit["matching_etablissements"])}
            ]
            body = json.dumps(
                {"results": results, "total_results": len(results), "page": 1, "per_page": 1}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PERMIS_SIRENE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.PERMIS_SIRENE_TIMEOUT = 2
    register.server = server
    yield register
    server.shutdown()
    server.server_close()


@pytest.fixture
def draft_page(client):
    """A draft's applicant step, signed in as its depositor."""
    user = UserFactory()
    draft = DossierFactory(depositor=user)
    ApplicantFactory(dossier=draft, email=user.email)
    client.force_login(user)
    return draft, reverse("permits:draft_step_demandeur", kwargs={"pk": draft.pk})
