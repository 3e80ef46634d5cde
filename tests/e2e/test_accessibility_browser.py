"""The accessibility statement and the privacy notice in Chromium, checked by axe-core (their
results recorded like every page's: they feed the statement itself)."""

import pytest

from tests.e2e.test_applicant_browser import Journey
from tests.factories import CommuneFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_statement_and_the_notice_are_accessible(live_server, browser_page):
    CommuneFactory()
    j = Journey(browser_page, live_server.url)
    j.go("/")
    browser_page.get_by_role("link", name="Accessibilité : non conforme").click()
    assert (
        browser_page.get_by_role("heading", level=1).inner_text() == "Déclaration d'accessibilité"
    )
    j.checkpoint("declaration-accessibilite")
    j.go("/donnees-personnelles/")
    j.checkpoint("donnees-personnelles")
    j.go("/")
    j.checkpoint("accueil")
