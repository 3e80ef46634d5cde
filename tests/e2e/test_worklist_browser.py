"""The worklist's search box (number, address, applicant, parcel) and the instruction page's
previous and next dossier, in the worklist's order and filters (issue 19)."""

from datetime import date, timedelta

import pytest

from permits.models import Applicant, DossierParcel
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import sign_in
from tests.factories import filed_dossier, make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_search_then_previous_and_next(live_server, browser_page, width):
    team = make_team()
    today = date.today()
    # Filed on three days: the earliest has the nearest completeness date, so comes first.
    first, second, third = (
        filed_dossier(team, "PCMI", on=today - timedelta(days=n), site_address=address)
        for n, address in ((3, "3 rue des Lilas"), (2, "8 avenue de la Gare"), (1, "1 place Foch"))
    )
    Applicant.objects.filter(dossier=second).update(birth_name="Lefebvre")
    DossierParcel.objects.create(dossier=third, idu="91216000AB0026", area_m2=500)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    j = Journey(page, live_server.url)
    sign_in(page, j, team.officer)

    def search(text: str) -> list[str]:
        j.go("/instruction/")
        page.fill("#f-q", text)
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_load_state()
        return page.locator("tbody th a").all_inner_texts()

    assert search("lilas") == [first.display_number]
    assert search("LEFEBVRE") == [second.display_number]
    assert search("AB 26") == [third.display_number]
    assert search(third.display_number) == [third.display_number]
    assert search(third.number) == [third.display_number]  # compact form too
    assert no_overflow(page)
    j.checkpoint(f"liste-recherche-{width}")

    # The whole list: previous and next follow its order.
    assert search("") == [d.display_number for d in (first, second, third)]
    page.get_by_role("link", name=first.display_number).click()
    page.wait_for_load_state()
    assert "dossier 1 sur 3" in page.inner_text("main")
    assert page.get_by_role("link", name="Dossier précédent").count() == 0
    assert no_overflow(page)
    j.checkpoint(f"instruction-suivant-{width}")
    page.get_by_role("link", name="Dossier suivant").click()
    page.wait_for_load_state()
    assert second.display_number in page.inner_text("h1")
    page.get_by_role("link", name="Dossier suivant").click()
    page.wait_for_load_state()
    assert third.display_number in page.inner_text("h1")
    assert page.get_by_role("link", name="Dossier suivant").count() == 0
    page.get_by_role("link", name="Dossier précédent").click()
    page.wait_for_load_state()
    assert second.display_number in page.inner_text("h1")

    # Within a search, the neighbours are the search's: one result, no neighbour.
    search("lilas")
    page.get_by_role("link", name=first.display_number).click()
    page.wait_for_load_state()
    assert "dossier 1 sur 1" in page.inner_text("main")
    assert page.get_by_role("link", name="Dossier suivant").count() == 0
