"""The intercommunal portal in Chromium (issue 23, §5): from a service's home, an address in
one commune and a parcel in another each route to the right commune, a site over both is
explained, and the applicant starts a draft in the commune of the site."""

import pytest

from permits.models import Dossier
from tests.counter.test_portal import VILLEMOISSON, two_commune_service
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def find(page, address="", parcels=""):
    page.fill("#id_address", address)
    page.fill("#id_parcels", parcels)
    page.get_by_role("button", name="Trouver la commune").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def test_the_portal_routes_the_site_to_its_commune(live_server, browser_page, cadastre_91216):
    service, _, _, epinay_idu = two_commune_service()
    applicant = UserFactory()
    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, applicant)
    j.go(f"/services/{service.pk}/")
    assert "Épinay-sur-Orge" in page.content() and "Villemoisson-sur-Orge" in page.content()
    j.checkpoint("portail-service")

    text = find(page, address="8 rue de la Fontaine, 91360 Villemoisson-sur-Orge")
    assert "Votre terrain est situé sur la commune de Villemoisson-sur-Orge" in text
    text = find(page, parcels=epinay_idu)
    assert "Votre terrain est situé sur la commune d'Épinay-sur-Orge" in text
    j.checkpoint("portail-commune-trouvee")

    text = find(page, parcels=f"{epinay_idu}\n{VILLEMOISSON}000AB0001")
    assert "Votre terrain s'étend sur plusieurs communes" in text and "R423-1" in text
    assert "Commencer ma demande" not in text
    j.checkpoint("portail-deux-communes")

    find(page, parcels=f"{VILLEMOISSON}000AB0001")
    page.select_option("#id_start-procedure", "DP")
    page.get_by_role("button", name="Commencer ma demande").click()
    page.wait_for_load_state()
    draft = Dossier.objects.get()
    assert page.url.endswith(f"/dossiers/{draft.pk}/brouillon/")
    assert draft.commune.insee_code == VILLEMOISSON
