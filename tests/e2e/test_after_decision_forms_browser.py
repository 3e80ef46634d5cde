"""A refused after-decision form keeps what was typed, in Chromium (issue 19): the retrait
letter's grounds come back when the dossier moved on while the officer typed, the form is
focused with its refusal inside, and the letter goes out once sent again."""

import pytest
from django.utils import timezone

from tests.e2e.test_applicant_browser import Journey, off_loop
from tests.e2e.test_officer_browser import sign_in
from tests.factories import make_team
from tests.officer.test_after_decision import executory
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
GROUNDS = "La hauteur excède celle fixée par l'article UH 10 du PLU.\nLe terrain est en zone N."


def test_a_refused_retrait_letter_keeps_its_grounds(
    live_server, browser_page, pki_dir, documents_root
):
    team = make_team()
    granted = executory(team)
    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{granted.pk}/")
    page.fill("#rt-grounds", GROUNDS)
    # Meanwhile the holder declares the works opened: the page the officer sees is stale.
    off_loop(lambda: fire(granted, "open_works", actor=team.applicant, on=timezone.localdate()))
    page.get_by_role("button", name="Engager une procédure de retrait").click()
    page.wait_for_load_state()

    assert page.url.endswith("#engager-retrait")
    refusal = page.locator("#engager-retrait .field-error")
    assert "rechargez la page avant d'agir" in refusal.inner_text()
    # The browser went to the form (tabindex="-1"), which holds the refusal, and focused it.
    assert page.evaluate("document.activeElement.id") == "engager-retrait"
    assert page.input_value("#rt-grounds") == GROUNDS
    j.checkpoint("retrait-refuse")

    page.get_by_role("button", name="Engager une procédure de retrait").click()
    page.wait_for_load_state()
    granted.refresh_from_db()
    assert granted.state == State.WORKS_OPENED
    assert granted.retrait_letter_on == timezone.localdate()
    assert "ce que vous aviez saisi est conservé" not in page.inner_text("main")
