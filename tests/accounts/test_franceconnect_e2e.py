"""End to end through the local FranceConnect-like provider (node `oidc-provider`): real HTTP on
both sides, the provider's own login and consent forms, then the applicant block pre-filled
(issue 5, "Done when")."""

import html
import re
from urllib.parse import urljoin

import pytest
import requests

from accounts.models import FederatedIdentity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FORM_RE = re.compile(r'<form[^>]*action="([^"]+)"', re.S)
FORM_BLOCK_RE = re.compile(r"<form(.*?)</form>", re.S)
INPUT_RE = re.compile(r"<input([^>]*)>")
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')
LOGIN_PAGE_LINK = re.compile(r'<a class="fc-button" href="([^"]+)"')


class Browser:
    """An HTTP client that follows redirects and fills forms, as a person would."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, url: str) -> requests.Response:
        response = self.http.get(url, timeout=15)
        assert response.status_code < 500, response.text
        return response

    def submit(self, page: requests.Response, data: dict, form_index: int = 0):
        """Posts a form of the page with its hidden fields (CSRF tokens) and `data`."""
        form = FORM_BLOCK_RE.findall(page.text)[form_index]
        action = html.unescape(FORM_RE.search(f"<form{form}").group(1))
        hidden = {}
        for tag in INPUT_RE.findall(form):
            attrs = dict(ATTR_RE.findall(tag))
            if attrs.get("type") == "hidden":
                hidden[attrs["name"]] = html.unescape(attrs.get("value", ""))
        response = self.http.post(urljoin(page.url, action), data={**hidden, **data}, timeout=15)
        assert response.status_code < 500, response.text
        return response


def sign_in(
    live_server, login: str, *, consent: str = "accept"
) -> tuple[Browser, requests.Response]:
    browser = Browser()
    page = browser.get(f"{live_server.url}/connexion/")
    assert "S’identifier avec" in page.text and "Qu’est-ce que FranceConnect ?" in page.text
    page = browser.get(urljoin(page.url, LOGIN_PAGE_LINK.search(page.text).group(1)))
    assert "Identifiant" in page.text, page.text  # the provider's login form
    page = browser.submit(page, {"login": login, "password": "123"})
    assert "Transmission de vos données" in page.text, page.text
    return browser, browser.submit(page, {"decision": consent})


def applicant_block(browser: Browser, live_server) -> dict:
    page = browser.get(f"{live_server.url}/compte/identite/")
    assert page.status_code == 200
    fields = {}
    for block in re.findall(
        r'<div class="field[^"]*" data-field="(\w+)">(.*?)</div>', page.text, re.S
    ):
        name, body = block
        value = html.unescape(re.search(r'value="([^"]*)"', body).group(1))
        fields[name] = (value, "readonly" in body)
    return fields


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        (
            "avec_nom_dusage",  # a usage name
            {
                "civility": ("Monsieur", True),
                "birth_name": ("MERCIER", True),
                "usage_name": ("DUBOIS", True),
                "given_names": ("Pierre", True),
                "birth_date": ("17 mars 1969", True),
                "birth_place": ("Gonesse", True),
                "birth_department": ("Val-d'Oise (95)", True),
                "birth_country": ("FRANCE", True),
                "email": ("ymmyffarapp-1777@yopmail.com", False),
            },
        ),
        (
            "naissance_Algérie",  # born abroad: no commune, the country
            {
                "birth_name": ("MARTIN", True),
                "usage_name": ("", False),
                "birth_place": ("", False),
                "birth_department": ("", False),
                "birth_country": ("ALGERIE", True),
            },
        ),
        (
            "étranger_présumé_né_jour",  # partial birth date, kept as such
            {
                "birth_date": ("novembre 1992 (jour inconnu)", True),
                "birth_country": ("JAPON", True),
            },
        ),
        (
            "test_CORSE_2A",
            {"birth_place": ("Ajaccio", True), "birth_department": ("Corse-du-Sud (2A)", True)},
        ),
    ],
)
def test_sign_in_with_franceconnect_prefills_the_applicant_block(
    live_server, franceconnect_live, login, expected
):
    browser, page = sign_in(live_server, login)
    assert page.url == f"{live_server.url}/compte/", page.text
    block = applicant_block(browser, live_server)
    for name, value in expected.items():
        assert block[name] == value, name
    identity = FederatedIdentity.objects.get()
    assert identity.acr == "eidas1"
    assert len(identity.sub) == 66
    if login == "étranger_présumé_né_jour":
        assert identity.claims["birthdate"] == "1992-11-00"  # stored as received


def test_the_same_person_comes_back_to_the_same_account(live_server, franceconnect_live):
    sign_in(live_server, "test")
    sign_in(live_server, "test")
    assert FederatedIdentity.objects.count() == 1


def test_refusing_consent_at_franceconnect_leaves_no_session(live_server, franceconnect_live):
    browser, page = sign_in(live_server, "test", consent="refuse")
    assert "Vous avez annulé la connexion avec FranceConnect" in page.text
    assert browser.get(f"{live_server.url}/compte/").url.startswith(f"{live_server.url}/connexion/")
    assert not FederatedIdentity.objects.exists()


def test_replaying_the_callback_is_refused_and_keeps_the_session(live_server, franceconnect_live):
    browser = Browser()
    page = browser.get(f"{live_server.url}/connexion/franceconnect/")
    page = browser.submit(page, {"login": "test", "password": "123"})
    consent_form_action = FORM_RE.findall(page.text)[0]
    done = browser.http.post(
        urljoin(page.url, consent_form_action), data={"decision": "accept"}, allow_redirects=False
    )
    # Follow the provider's redirects by hand to catch the callback URL.
    location = done.headers["Location"]
    while not location.startswith(live_server.url):
        done = browser.http.get(urljoin(done.url, location), allow_redirects=False)
        location = done.headers["Location"]
    assert "/connexion/franceconnect/retour/" in location
    assert browser.get(location).url == f"{live_server.url}/compte/"
    replay = browser.get(location)
    assert replay.status_code == 400
    assert "a déjà été utilisée ou a expiré" in replay.text
    # The replay is refused without touching the session it did not open (issue 20).
    assert "Vous restez connecté" in replay.text
    assert browser.get(f"{live_server.url}/compte/").url == f"{live_server.url}/compte/"


def test_logout_ends_the_franceconnect_session_too(live_server, franceconnect_live):
    browser, page = sign_in(live_server, "test")
    page = browser.submit(page, {})  # "Se déconnecter"
    assert page.status_code == 200
    end_session = html.unescape(re.search(r'data-follow href="([^"]+)"', page.text).group(1))
    assert "id_token_hint=" in end_session and "post_logout_redirect_uri=" in end_session
    page = browser.get(end_session)  # the provider's page posts its own form (script)
    page = browser.submit(page, {"logout": "yes"})
    assert page.url.startswith(f"{live_server.url}/deconnexion/terminee/"), page.url
    assert "Vous êtes déconnecté" in page.text
    # Signing in again asks FranceConnect for the password: its session has ended.
    again = browser.get(f"{live_server.url}/connexion/franceconnect/")
    assert "Mot de passe" in again.text
