"""The OpenID client against a scriptable provider on 127.0.0.1: forged and broken answers are
refused, leave no session and say why in French (issue 5, "Done when")."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import ECKey, OctKey, RSAKey

from accounts.models import FederatedIdentity, User
from tests.accounts.oidc_peer import CLIENT_SECRET, unsigned

pytestmark = pytest.mark.django_db

START = "/connexion/franceconnect/"
CALLBACK = "/connexion/franceconnect/retour/"


def authorize(client, peer) -> dict:
    """Starts a sign-in; the peer learns the nonce and PKCE challenge the client sent."""
    response = client.get(START)
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{peer.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    peer.nonce, peer.code_challenge = query["nonce"], query["code_challenge"]
    return query


def sign_in(client, peer, **callback_params):
    query = authorize(client, peer)
    params = {"code": "the-code", "state": query["state"], **callback_params}
    return client.get(CALLBACK, params)


def assert_refused(response, reason: str, status: int = 400):
    html = response.content.decode()
    assert response.status_code == status, html
    assert "La connexion avec FranceConnect a échoué" in html
    assert reason in html
    assert "Vous n&#x27;êtes pas connecté" in html
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not FederatedIdentity.objects.exists()
    assert not User.objects.exists()


def test_the_authorization_request_is_what_franceconnect_v2_expects(client, franceconnect_peer):
    query = authorize(client, franceconnect_peer)
    assert query["response_type"] == "code"
    assert query["client_id"] == "permis-test"
    assert query["redirect_uri"] == "http://testserver/connexion/franceconnect/retour/"
    assert query["acr_values"] == "eidas1"
    assert query["code_challenge_method"] == "S256"
    assert set(query["scope"].split()) >= {"openid", "given_name", "family_name", "birthdate"}
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["state"] != query["nonce"]


def test_a_valid_sign_in_opens_a_session_keyed_on_sub(client, franceconnect_peer):
    response = sign_in(client, franceconnect_peer)
    assert response.status_code == 302, response.content.decode()
    identity = FederatedIdentity.objects.get()
    assert identity.sub == franceconnect_peer.sub
    assert identity.claims["family_name"] == "DUBOIS"
    assert identity.acr == "eidas1"
    assert client.session["_auth_user_id"] == str(identity.user_id)
    assert identity.user.email_verified_at is None  # FranceConnect's address is not proven


def test_rs256_tokens_are_accepted_too(client, franceconnect_peer):
    peer = franceconnect_peer
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), alg="RS256")
    peer.make_userinfo = lambda p: p.sign(p.userinfo_claims(), alg="RS256")
    assert sign_in(client, peer).status_code == 302


def test_accounts_are_never_merged_on_email(client, franceconnect_peer):
    User.objects.create(username="someone", email="wossewodda-3728@yopmail.com")
    assert sign_in(client, franceconnect_peer).status_code == 302
    assert FederatedIdentity.objects.get().user.username.startswith("fc:")


def test_an_unknown_kid_refetches_the_keys_once(client, franceconnect_peer):
    peer = franceconnect_peer
    assert sign_in(client, peer).status_code == 302  # the keys are now cached
    assert peer.jwks_requests == 1
    rotated = ECKey.generate_key("P-256", parameters={"kid": "ec-2", "use": "sig"})
    peer.published = [rotated, peer.rsa_key]
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), key=rotated)
    peer.make_userinfo = lambda p: p.sign(p.userinfo_claims(), key=rotated)
    response = sign_in(client, peer)
    assert response.status_code == 302, response.content.decode()
    assert peer.jwks_requests == 2


def test_a_kid_unknown_even_after_refetching_is_refused(client, franceconnect_peer):
    peer = franceconnect_peer
    stranger = ECKey.generate_key("P-256", parameters={"kid": "ec-unknown"})
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), key=stranger)
    assert_refused(sign_in(client, peer), "la clé de signature du jeton")
    assert peer.jwks_requests == 2


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://attacker.example/api/v2"}, "ne provient pas du fournisseur"),
        ({"aud": "another-client"}, "n&#x27;est pas destiné à ce service"),
        ({"aud": None}, "n&#x27;est pas destiné à ce service"),
        ({"aud": ["permis-test", "other"]}, "n&#x27;est pas destiné à ce service"),  # no azp
        ({"nonce": "not-the-nonce-we-sent-not-the-nonce"}, "ne correspond pas à cette demande"),
        ({"nonce": None}, "ne correspond pas à cette demande"),
        (
            {"exp": int(time.time()) - 120, "iat": int(time.time()) - 180},
            "le jeton d&#x27;identité a expiré",
        ),
        ({"acr": "eidas0"}, "niveau de garantie"),
        ({"iat": None}, "incomplet ou mal formé"),
    ],
    ids=[
        "wrong-iss",
        "wrong-aud",
        "missing-aud",
        "two-aud-no-azp",
        "wrong-nonce",
        "no-nonce",
        "expired",
        "wrong-acr",
        "no-iat",
    ],
)
def test_id_token_claims_are_checked(client, franceconnect_peer, overrides, reason):
    franceconnect_peer.make_id_token = lambda p: p.sign(p.id_token_claims(**overrides))
    assert_refused(sign_in(client, franceconnect_peer), reason)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_a_bad_signature_is_refused(client, franceconnect_peer, alg):
    peer = franceconnect_peer
    # Signed by another key that claims the published key's kid.
    if alg == "ES256":
        forger = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    else:
        forger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), key=forger, alg=alg)
    assert_refused(sign_in(client, peer), "la signature du jeton d&#x27;identité est invalide")


def test_a_tampered_payload_is_refused(client, franceconnect_peer):
    peer = franceconnect_peer

    def tampered(p):
        header, _, signature = p.sign(p.id_token_claims()).split(".")
        other = p.sign(p.id_token_claims(sub="b" * 64)).split(".")[1]
        return f"{header}.{other}.{signature}"

    peer.make_id_token = tampered
    assert_refused(sign_in(client, peer), "la signature du jeton d&#x27;identité est invalide")


def test_alg_none_is_refused(client, franceconnect_peer):
    franceconnect_peer.make_id_token = lambda p: unsigned(
        {"alg": "none", "kid": "ec-1"}, p.id_token_claims()
    )
    assert_refused(sign_in(client, franceconnect_peer), "l&#x27;algorithme de signature")


def test_hs256_signed_with_the_client_secret_is_refused(client, franceconnect_peer):
    secret = OctKey.import_key(CLIENT_SECRET)
    franceconnect_peer.make_id_token = lambda p: p.sign(
        p.id_token_claims(), key=secret, alg="HS256", kid=None
    )
    assert_refused(sign_in(client, franceconnect_peer), "l&#x27;algorithme de signature")


def _publish_a_second_ec_key(peer):
    second = ECKey.generate_key("P-256", parameters={"kid": "ec-2"})
    peer.published = [peer.ec_key, second, peer.rsa_key]


def test_no_kid_with_several_keys_is_refused_on_a_cold_cache(client, franceconnect_peer):
    peer = franceconnect_peer
    _publish_a_second_ec_key(peer)
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), kid=None)
    assert_refused(sign_in(client, peer), "la clé de signature du jeton")


def test_no_kid_with_several_keys_is_refused_on_a_warm_cache(client, franceconnect_peer):
    """The cache, filled by an earlier sign-in, holds one EC key; the provider now publishes
    two: the token without kid is judged on the current set, as on a cold cache."""
    from django.test import Client

    peer = franceconnect_peer
    assert sign_in(Client(), peer).status_code == 302  # caches [ec-1, rsa-1]
    FederatedIdentity.objects.all().delete()
    User.objects.all().delete()
    _publish_a_second_ec_key(peer)
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), kid=None)  # signed by ec-1
    assert_refused(sign_in(client, peer), "la clé de signature du jeton")


def test_no_kid_with_a_single_key_of_that_type_is_accepted(client, franceconnect_peer):
    peer = franceconnect_peer
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), kid=None)
    assert sign_in(client, peer).status_code == 302


def test_no_kid_on_a_warm_cache_is_checked_against_the_refetched_set(client, franceconnect_peer):
    from django.test import Client

    peer = franceconnect_peer
    assert sign_in(Client(), peer).status_code == 302
    assert peer.jwks_requests == 1
    peer.make_id_token = lambda p: p.sign(p.id_token_claims(), kid=None)
    assert sign_in(client, peer).status_code == 302
    assert peer.jwks_requests == 2  # the kid-less token made the client look again


def test_userinfo_for_another_sub_is_refused(client, franceconnect_peer):
    franceconnect_peer.make_userinfo = lambda p: p.sign(p.userinfo_claims(sub="b" * 64 + "v1"))
    assert_refused(
        sign_in(client, franceconnect_peer), "ne correspondent pas au jeton de connexion"
    )


def test_unsigned_userinfo_is_refused(client, franceconnect_peer):
    import json

    peer = franceconnect_peer
    peer.userinfo_content_type = "application/json"
    peer.make_userinfo = lambda p: json.dumps(p.userinfo_claims())
    assert_refused(sign_in(client, peer), "les informations d&#x27;identité reçues")


def test_userinfo_with_a_bad_signature_is_refused(client, franceconnect_peer):
    forger = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    franceconnect_peer.make_userinfo = lambda p: p.sign(p.userinfo_claims(), key=forger)
    assert_refused(sign_in(client, franceconnect_peer), "la signature du jeton")


def test_a_replayed_state_is_refused_and_leaves_the_signed_in_user_signed_in(
    client, franceconnect_peer
):
    query = authorize(client, franceconnect_peer)
    params = {"code": "the-code", "state": query["state"]}
    assert client.get(CALLBACK, params).status_code == 302
    user_id = client.session["_auth_user_id"]
    response = client.get(CALLBACK, params)
    assert response.status_code == 400
    assert "a déjà été utilisée ou a expiré" in response.content.decode()
    assert client.session["_auth_user_id"] == user_id


def test_a_bad_callback_never_touches_an_existing_session(client, franceconnect_peer, caplog):
    """A link from another site (`?code=x&state=bogus`) does not sign the person out; a failed
    callback drops only its own pending sign-in; both refusals are logged."""
    agent = User.objects.create_user("agent", password="unused-password-1")
    client.force_login(agent)
    session_key = client.session.session_key
    response = client.get(CALLBACK, {"code": "x", "state": "bogus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vous restez connecté avec votre compte actuel" in html
    assert client.session.session_key == session_key
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/dossiers/").status_code == 200  # still signed in

    query = authorize(client, franceconnect_peer)
    forger = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    franceconnect_peer.make_id_token = lambda p: p.sign(p.id_token_claims(), key=forger)
    response = client.get(CALLBACK, {"code": "the-code", "state": query["state"]})
    assert response.status_code == 400
    assert query["state"] not in client.session["permis_oidc_pending"]
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.session.session_key == session_key
    refusals = [r for r in caplog.records if r.getMessage() == "oidc sign-in refused"]
    assert [(r.reason, r.signed_in) for r in refusals] == [("state", True), ("signature", True)]
    assert not FederatedIdentity.objects.exists()


def test_a_state_from_another_browser_is_refused(client, franceconnect_peer):
    from django.test import Client

    query = authorize(Client(), franceconnect_peer)
    response = client.get(CALLBACK, {"code": "the-code", "state": query["state"]})
    assert_refused(response, "a déjà été utilisée ou a expiré")


def test_another_issuer_in_the_authorization_response_is_refused(client, franceconnect_peer):
    response = sign_in(client, franceconnect_peer, iss="https://attacker.example")
    assert_refused(response, "ne provient pas du fournisseur")


def test_an_error_from_the_provider_is_shown_in_french(client, franceconnect_peer):
    query = authorize(client, franceconnect_peer)
    response = client.get(
        CALLBACK, {"error": "access_denied", "error_description": "denied", "state": query["state"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous avez annulé la connexion avec FranceConnect" in html
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not User.objects.exists()


def test_another_error_code_is_named(client, franceconnect_peer):
    query = authorize(client, franceconnect_peer)
    response = client.get(CALLBACK, {"error": "server_error", "state": query["state"]})
    assert_refused(response, "a renvoyé une erreur (server_error)")


def test_a_provider_that_does_not_answer_is_reported(client, franceconnect_peer, settings):
    settings.FRANCECONNECT = {**settings.FRANCECONNECT, "ISSUER": "http://127.0.0.1:9"}
    response = client.get(START)
    assert_refused(response, "ne répond pas pour le moment")


def test_franceconnect_off_when_not_configured(client, settings):
    settings.FRANCECONNECT = {**settings.FRANCECONNECT, "ISSUER": ""}
    assert client.get(START).status_code == 404
    assert "S’identifier avec" not in client.get("/connexion/").content.decode()
