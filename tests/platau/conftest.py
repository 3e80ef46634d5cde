"""The local PLAT'AU-shaped service (devservices/platau/server.py), started once like the demo
starts it, emptied before each test; the connector pointed at it, retries without waiting."""

import pytest
import requests


class Hub:
    """The State's side, scripted by the test through /_control/."""

    def __init__(self, url: str):
        self.url = url

    def control(self, action: str, body: dict | None = None) -> dict:
        response = requests.post(f"{self.url}/_control/{action}", json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict:
        return self.control("state")

    def journal(self) -> list[dict]:
        return self.control("journal")["journal"]

    def calls(self, path: str) -> list[dict]:
        return [e for e in self.journal() if e["path"].endswith("/v10/" + path)]


@pytest.fixture
def hub(platau_server, settings):
    settings.PLATAU = {
        "URL": f"{platau_server}/mtes/platau/v10/",
        "TOKEN_URL": f"{platau_server}/api/oauth/token",
        "CLIENT_ID": "permis-local",
        "CLIENT_SECRET": "permis-local-secret",
        "RETRIES": 2,
        "BACKOFF_SECONDS": 0,
    }
    hub = Hub(platau_server)
    hub.control("reset")
    return hub
