"""ProConnect for agents: the same OpenID client, a second provider configuration; roles stay
local, the account is the one an administrator created for the professional address."""

import pytest

from accounts.models import FederatedIdentity, Membership, Role
from accounts.oidc import client as oidc_client
from tests.accounts.oidc_peer import CLIENT_ID, CLIENT_SECRET
from tests.factories import CommuneFactory, InstructionServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proconnect(oidc_peer, settings):
    oidc_peer.reset()
    oidc_client.clear_caches()
    oidc_peer.claims = {
        "given_name": "Nora",
        "usual_name": "Benali",
        "email": "nora.benali@epinay-sur-orge.example",
        "uid": "1234",
        "siret": "21910216700016",
    }
    settings.PROCONNECT = {
        **settings.PROCONNECT,
        "ISSUER": oidc_peer.issuer,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "ACR_VALUES": "",
    }
    return oidc_peer


def sign_in(client, peer):
    from urllib.parse import parse_qs, urlsplit

    response = client.get("/connexion/proconnect/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert "acr_values" not in query
    peer.nonce, peer.code_challenge = query["nonce"], query["code_challenge"]
    return client.get(
        "/connexion/proconnect/retour/", {"code": "the-code", "state": query["state"]}
    )


def test_an_agent_is_linked_to_the_account_created_for_their_address(client, proconnect):
    agent = UserFactory(email="Nora.Benali@epinay-sur-orge.example")
    Membership.objects.create(
        user=agent,
        role=Role.OFFICER,
        service=InstructionServiceFactory(communes=[CommuneFactory()]),
    )
    assert "S’identifier avec ProConnect" in client.get("/connexion/").content.decode()
    response = sign_in(client, proconnect)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)
    identity = FederatedIdentity.objects.get()
    assert (identity.provider, identity.user) == ("proconnect", agent)
    agent.refresh_from_db()
    assert agent.last_name == "Benali"


def test_an_unknown_agent_is_refused(client, proconnect):
    UserFactory(email="nora.benali@epinay-sur-orge.example")  # an account, but no role
    response = sign_in(client, proconnect)
    assert response.status_code == 400
    assert "aucun compte agent n&#x27;est associé à cette identité" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signatory_from_proconnect_still_needs_the_second_factor(client, proconnect):
    mayor = UserFactory(email="nora.benali@epinay-sur-orge.example")
    Membership.objects.create(user=mayor, role=Role.SIGNATORY, commune=CommuneFactory())
    response = sign_in(client, proconnect)
    assert response["Location"] == "/connexion/second-facteur/activer/"
    assert "_auth_user_id" not in client.session
