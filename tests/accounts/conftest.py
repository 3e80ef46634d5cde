"""Identity providers for the tests: the local FranceConnect-like provider (node, real OpenID
provider) and a scriptable peer for forged tokens, both on 127.0.0.1."""

import pytest
from django.conf import settings

from accounts.oidc import client as oidc_client
from tests.accounts.oidc_peer import CLIENT_ID, CLIENT_SECRET, Peer
from tests.local_services import NODE_CLIENT_ID, NODE_CLIENT_SECRET


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


@pytest.fixture
def franceconnect_live(franceconnect_node, settings):
    oidc_client.clear_caches()
    settings.FRANCECONNECT = _provider_settings(
        franceconnect_node, NODE_CLIENT_ID, NODE_CLIENT_SECRET
    )
    return franceconnect_node
