"""The instruction page's plan of the site and the statistics page in Chromium: the map draws
the dossier's parcel, the constraints and the neighbouring parcels, the consultation form
proposes the ABF; axe-core finds no violation on either page (issue 8, points 2 and 6)."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ConsultedService
from cadastre.check import check_parcels
from permits.models import Dossier, DossierParcel
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import parcel_in_ac1, sign_in
from tests.factories import filed_dossier, make_team
from workflow.states import State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_site_map_and_the_statistics_in_a_browser(live_server, browser_page, cadastre_91216):
    call_command("draw_demo_constraints", "91216")
    team = make_team()
    idu = parcel_in_ac1()
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate())
    DossierParcel.objects.create(dossier=dossier, idu=idu)
    Dossier.objects.filter(pk=dossier.pk).update(
        parcel_check=check_parcels([idu], "91216").as_dict()
    )
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    decided = filed_dossier(team, "DP", on=date(2026, 1, 5))
    Dossier.objects.filter(pk=decided.pk).update(
        state=State.TACIT_GRANTED, decision_outcome="tacit_grant", tacit_on=date(2026, 2, 6)
    )
    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, team.officer)

    j.go(f"/instruction/{dossier.pk}/")
    # The map drew the dossier's parcel, the constraints, then the cadastre around it.
    page.wait_for_selector("#site-map[data-loaded]")
    assert page.locator("#site-map").is_visible()
    assert int(page.get_attribute("#site-map", "data-loaded")) > 10
    shapes = page.locator(".site-map-canvas path.leaflet-interactive").count()
    assert shapes >= 2  # the parcel and at least the AC1 perimeter
    assert "AC1" in page.locator(".site-map-list").inner_text()
    # The ABF is proposed from the AC1 perimeter, ticked in the consultation form.
    assert page.is_checked(f"#cs-service-{udap.pk}")
    j.checkpoint("instruction-plan")

    j.go("/statistiques/")
    # Six charts (the sixth: the share filed online, issue 23): drawn, or saying in words that
    # there is no data yet (issue 19).
    assert page.locator("svg[role=img]").count() + page.locator(".chart-empty").count() == 6
    assert page.get_by_role("img", name="Part des décisions tacites").is_visible()
    page.get_by_text("Données du graphique : part des décisions tacites").click()
    assert "100 % (1 sur 1)" in page.locator("details[open] table").inner_text()
    j.checkpoint("statistiques")
