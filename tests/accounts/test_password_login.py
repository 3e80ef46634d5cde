"""Password sign-in, lockout and rate limiting, the signatories' second factor, fresh
re-authentication, e-mail accounts with a verified address."""

import re
import time

import pyotp
import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory

from accounts import reauth
from accounts.models import Membership, Role, TOTPDevice, User
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-de-test"  # tests.factories.UserFactory
NEW = "correct horse battery"


def post_login(client, login, password=PASSWORD, **extra):
    return client.post("/connexion/", {"login": login, "password": password, **extra})


def signatory(**kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, role=Role.SIGNATORY, commune=CommuneFactory())
    return user


def code_for(user, offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(TOTPDevice.objects.get(user=user).secret)
    return totp.at(time.time() + offset_steps * totp.interval)


def test_an_agent_signs_in_with_a_password(client):
    user = UserFactory()
    response = post_login(client, user.username, next="/compte/identite/")
    assert response.status_code == 302 and response["Location"] == "/compte/identite/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_next_cannot_send_elsewhere(client):
    user = UserFactory()
    response = post_login(client, user.username, next="https://evil.example/")
    assert response["Location"] == "/compte/"


def test_a_wrong_password_is_refused_in_french(client):
    user = UserFactory()
    response = post_login(client, user.username, "pas-le-bon")
    assert response.status_code == 400
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_is_locked_after_five_failures_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        post_login(client, user.username.upper(), "pas-le-bon")  # case does not dodge the lock
    response = post_login(client, user.username)
    assert response.status_code == 400
    assert "Trop de tentatives infructueuses" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_clears_the_failures(client):
    user = UserFactory()
    for _ in range(4):
        post_login(client, user.username, "pas-le-bon")
    assert post_login(client, user.username).status_code == 302
    client.logout()
    for _ in range(4):
        post_login(client, user.username, "pas-le-bon")
    assert post_login(client, user.username).status_code == 302


def test_one_address_trying_many_logins_is_rate_limited(client, settings):
    settings.PERMIS_LOGIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        post_login(client, f"inconnu{n}", "pas-le-bon")
    user = UserFactory()
    response = post_login(client, user.username)
    assert "Trop de tentatives infructueuses" in response.content.decode()
    other_address = client.post(
        "/connexion/", {"login": user.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    assert other_address.status_code == 302


def test_a_signatory_must_set_up_a_second_factor_before_the_session_opens(client):
    user = signatory()
    response = post_login(client, user.username)
    assert response["Location"] == "/connexion/second-facteur/activer/"
    assert "_auth_user_id" not in client.session
    page = client.get("/connexion/second-facteur/activer/").content.decode()
    secret = TOTPDevice.objects.get(user=user).secret
    assert secret in page and "otpauth://totp/" in page
    wrong = client.post("/connexion/second-facteur/activer/", {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post("/connexion/second-facteur/activer/", {"code": code_for(user)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None


def confirmed_signatory():
    user = signatory()
    TOTPDevice.objects.create(
        user=user, secret=pyotp.random_base32(), confirmed_at="2026-01-01T00:00Z"
    )
    return user


def test_a_signatory_signs_in_with_password_and_code(client):
    user = confirmed_signatory()
    assert post_login(client, user.username)["Location"] == "/connexion/second-facteur/"
    assert "_auth_user_id" not in client.session
    response = client.post("/connexion/second-facteur/", {"code": code_for(user)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_code_serves_once(client):
    user = confirmed_signatory()
    code = code_for(user)
    post_login(client, user.username)
    client.post("/connexion/second-facteur/", {"code": code})
    client.logout()
    post_login(client, user.username)
    replay = client.post("/connexion/second-facteur/", {"code": code})
    assert "Code incorrect ou déjà utilisé" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_codes_are_locked_out_after_five_failures(client):
    user = confirmed_signatory()
    post_login(client, user.username)
    for _ in range(5):
        client.post("/connexion/second-facteur/", {"code": "000000"})
    response = client.post("/connexion/second-facteur/", {"code": code_for(user)})
    assert "Trop de tentatives infructueuses" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_second_factor_page_needs_a_password_first(client):
    assert client.get("/connexion/second-facteur/")["Location"] == "/connexion/"


def _request_with_session(client):
    request = RequestFactory().get("/signer/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.session = client.session
    return request


def test_signing_needs_a_fresh_reauthentication(client, settings):
    user = confirmed_signatory()
    post_login(client, user.username)
    client.post("/connexion/second-facteur/", {"code": code_for(user)})

    @reauth.fresh_authentication_required
    def sign(request):
        return HttpResponse("signed")

    request = _request_with_session(client)
    request.user = user
    assert sign(request).content == b"signed"  # just signed in
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - settings.PERMIS_REAUTH_MAX_AGE_S - 1
    session.save()
    request = _request_with_session(client)
    request.user = user
    response = sign(request)
    assert response.status_code == 302
    assert response["Location"] == "/connexion/confirmer/?next=%2Fsigner%2F"
    # The re-authentication asks for the password and a new code.
    page = client.get("/connexion/confirmer/?next=/signer/").content.decode()
    assert 'name="password"' in page and 'name="code"' in page
    wrong = client.post("/connexion/confirmer/", {"password": PASSWORD, "code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    response = client.post(
        "/connexion/confirmer/",
        {"password": PASSWORD, "code": code_for(user, 1), "next": "/signer/"},
    )
    assert response["Location"] == "/signer/"
    request = _request_with_session(client)
    request.user = user
    assert sign(request).content == b"signed"


def test_the_reauthentication_refuses_a_wrong_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/connexion/confirmer/", {"password": "pas-le-bon"})
    assert response.status_code == 400
    assert "Mot de passe incorrect." in response.content.decode()


def test_an_email_account_signs_in_once_its_address_is_verified(client):
    response = client.post(
        "/compte/creer/",
        {"email": "Camille@Example.org", "password1": NEW, "password2": NEW},
    )
    assert "Vérifiez votre adresse électronique" in response.content.decode()
    user = User.objects.get(email="camille@example.org")
    assert not user.is_active and user.email_verified_at is None
    assert post_login(client, "camille@example.org", NEW).status_code == 400
    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]
    link = re.search(r"http://testserver(/compte/verifier/\S+/)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None
    client.logout()
    assert post_login(client, "CAMILLE@example.org", NEW).status_code == 302


def test_a_forged_verification_link_is_refused(client):
    response = client.get("/compte/verifier/pas-un-jeton/")
    assert response.status_code == 400
    assert "Le lien de vérification est invalide ou a expiré." in response.content.decode()


def test_signing_up_again_does_not_reveal_the_account(client):
    UserFactory(username="camille@example.org", email="camille@example.org")
    response = client.post(
        "/compte/creer/",
        {"email": "camille@example.org", "password1": NEW, "password2": NEW},
    )
    assert "Vérifiez votre adresse électronique" in response.content.decode()
    assert mail.outbox[0].subject == "Vous avez déjà un compte"
    assert User.objects.filter(email="camille@example.org").count() == 1


def test_weak_passwords_are_refused_in_french(client):
    response = client.post(
        "/compte/creer/", {"email": "a@example.org", "password1": "123", "password2": "123"}
    )
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not User.objects.exists()


def test_the_demo_prints_a_signatory_code_but_never_in_production(settings, capsys):
    from django.core.management import CommandError, call_command

    user = confirmed_signatory()
    call_command("totp_code", user.username)
    assert capsys.readouterr().out.strip() == code_for(user)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("totp_code", user.username)
