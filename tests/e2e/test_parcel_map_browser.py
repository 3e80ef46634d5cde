"""The parcel map in Chromium (issue 19): an address searched through the local BAN moves the
map there; a parcel typed in moves the map to it; the chosen parcel is drawn highlighted. The
page stays within the screen at 320 px and axe-core finds nothing."""

import pytest

from permits.models import Dossier
from tests.cadastre.test_address_search import ban  # noqa: F401
from tests.e2e.test_applicant_browser import PARCEL, Journey, parcel_center
from tests.e2e.test_officer_browser import sign_in
from tests.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_map(live_server, browser_page, cadastre_91216, settings, ban, width):  # noqa: F811
    settings.PERMIS_BAN_URL = ban[1]
    team = make_team()
    draft = Dossier.objects.create(procedure="DP", commune=team.commune, depositor=team.applicant)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    j = Journey(page, live_server.url)
    sign_in(page, j, team.applicant)
    j.go(f"/dossiers/{draft.pk}/brouillon/terrain/")
    page.wait_for_function("() => window.parcelMap !== undefined")

    page.fill("#address-q", "12 rue de la gare")
    page.keyboard.press("Enter")  # searches, does not send the page's form
    page.get_by_role("button", name="12 Rue de la Gare 91360 Épinay-sur-Orge").click()
    # Leaflet animates the zoom: the centre is the address's once the animation has ended. (A
    # function, not an expression: Playwright evaluates it once; polling an expression would
    # call eval, which the site's CSP refuses.)
    page.wait_for_function(
        "() => Math.abs(window.parcelMap.getCenter().lat - 48.6712) < 1e-4 && "
        "Math.abs(window.parcelMap.getCenter().lng - 2.3254) < 1e-4"
    )
    assert "Carte centrée sur 12 Rue de la Gare" in page.inner_text(".address-status")
    assert "/terrain/" in page.url and not Dossier.objects.get(pk=draft.pk).parcel_check

    page.fill("#id_parcels", PARCEL)
    page.dispatch_event("#id_parcels", "change")
    page.wait_for_selector(".live-check li")
    lat, lon = parcel_center(PARCEL)
    page.wait_for_function(
        f"() => Math.abs(window.parcelMap.getCenter().lat - {lat}) < 0.003 && "
        f"Math.abs(window.parcelMap.getCenter().lng - {lon}) < 0.003"
    )
    page.wait_for_selector('.parcel-map-canvas path[stroke="#1b1b1b"][stroke-width="4"]')
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    j.checkpoint(f"carte-parcelle-{width}")
