"""Identity providers for the tests: the local FranceConnect-like provider (node, real OpenID
provider) and a scriptable peer for forged tokens, both on 127.0.0.1."""

import json
import os
import socket
from pathlib import Path

import pytest
from django.conf import settings

from accounts.oidc import client as oidc_client
from tests.accounts.oidc_peer import CLIENT_ID, CLIENT_SECRET, Peer
from tests.local_services import ready_service

NODE_DIR = Path(settings.BASE_DIR) / "devservices" / "franceconnect"
IDENTITIES_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "franceconnect"
NODE_CLIENT_ID = "permis-e2e"
NODE_CLIENT_SECRET = "e2e-client-secret-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _provider_settings(issuer, client_id, client_secret, **extra):
    return {
        **settings.FRANCECONNECT,
        "ISSUER": issuer,
        "CLIENT_ID": client_id,
        "CLIENT_SECRET": client_secret,
        "ACR_VALUES": "eidas1",
        "REDIRECT_URI": "",
        "POST_LOGOUT_REDIRECT_URI": "",
        **extra,
    }


@pytest.fixture(scope="session")
def oidc_peer():
    peer = Peer().start()
    yield peer
    peer.stop()


@pytest.fixture
def franceconnect_peer(oidc_peer, settings):
    """FranceConnect configured on the scriptable peer, with fresh caches and scenario."""
    oidc_peer.reset()
    oidc_client.clear_caches()
    settings.FRANCECONNECT = _provider_settings(oidc_peer.issuer, CLIENT_ID, CLIENT_SECRET)
    yield oidc_peer
    oidc_client.clear_caches()


@pytest.fixture(scope="session")
def franceconnect_node(live_server, tmp_path_factory):
    """The local provider (devservices/franceconnect) started like the demo starts it, with a
    client registered for the live server's callback and logout URLs."""
    if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("run scripts/test.sh (or scripts/lib.sh ensure_node_packages) first")
    port = _free_port()
    clients = [
        {
            "client_id": NODE_CLIENT_ID,
            "client_secret": NODE_CLIENT_SECRET,
            "redirect_uris": [f"{live_server.url}/connexion/franceconnect/retour/"],
            "post_logout_redirect_uris": [f"{live_server.url}/deconnexion/terminee/"],
        }
    ]
    env = {
        **os.environ,
        "FC_PORT": str(port),
        "FC_CLIENTS": json.dumps(clients),
        "FC_IDENTITIES_DIR": str(IDENTITIES_DIR),
    }
    log = tmp_path_factory.mktemp("franceconnect") / "provider.log"
    command = ["node", "server.js"]
    with ready_service(
        command, log, "the local FranceConnect provider", cwd=NODE_DIR, env=env
    ) as issuer:
        yield issuer


@pytest.fixture
def franceconnect_live(franceconnect_node, settings):
    oidc_client.clear_caches()
    settings.FRANCECONNECT = _provider_settings(
        franceconnect_node, NODE_CLIENT_ID, NODE_CLIENT_SECRET
    )
    return franceconnect_node
