"""The officer's forms keep what was typed when an act is refused (issue 19): a draft decision
with prescriptions but no grounds is refused (L424-3) and comes back with its outcome and its
prescriptions as typed, the page scrolled to it; once grounds are added it is recorded."""

from datetime import date

import pytest

from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import sign_in
from tests.factories import filed_dossier, make_team
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PRESCRIPTIONS = "Les menuiseries seront en bois peint.\nLa clôture sera doublée d'une haie."


@pytest.mark.parametrize("width", [1280, 320])
def test_a_refused_draft_decision_keeps_its_text(live_server, browser_page, width):
    team = make_team()
    dossier = filed_dossier(team, "PCMI", on=date.today())
    dossier = fire(dossier, "declare_complete", actor=team.officer)
    assert dossier.state == State.UNDER_INSTRUCTION
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    j = Journey(page, live_server.url)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    page.select_option("#pd-outcome", "grant_with_prescriptions")
    page.fill("#pd-prescriptions", PRESCRIPTIONS)
    page.get_by_role("button", name="Enregistrer le projet").click()
    page.wait_for_load_state()

    assert "indiquez tous les motifs (L424-3)" in page.inner_text("main")
    assert page.url.endswith("#propose_decision")
    assert page.input_value("#pd-outcome") == "grant_with_prescriptions"
    assert page.input_value("#pd-prescriptions") == PRESCRIPTIONS
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # reflow (1.4.10)
    j.checkpoint(f"decision-refusee-{width}")

    page.fill("#pd-grounds", "Le projet respecte le règlement de la zone UG.")
    page.get_by_role("button", name="Enregistrer le projet").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.DECISION_PROPOSED
    assert dossier.decision_prescriptions == PRESCRIPTIONS.splitlines()
    # Shown once: the page read again shows the new state, not the refused form.
    assert "ce que vous aviez saisi est conservé" not in page.inner_text("main")
