"""The commune administrator's "Données de référence" page in Chromium (issue 17): upload an
EDIGEO sheet, watch the simulation's progress bar, read its summary, apply it, watch the import,
find it in the history. The worker's job is run by the test where the worker would run it.
axe-core checks each page."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, Role
from cadastre import runs
from cadastre.models import ImportRun, Parcel
from tests.cadastre.conftest import EDIGEO_SHEETS
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import sign_in
from tests.factories import CommuneFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_upload_simulate_apply_and_history_in_a_real_browser(
    live_server, browser_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    commune = CommuneFactory(insee_code="25354", name="Luxiol", population=180)
    admin = UserFactory(username="admin-luxiol", first_name="Alice", last_name="Admin")
    Membership.objects.create(user=admin, role=Role.COMMUNE_ADMIN, commune=commune)
    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, admin)

    # The menu leads to the commune's page: nothing imported yet.
    page.get_by_role("link", name="Données de référence").click()
    page.wait_for_url("**/cadastre/communes/25354/donnees/")
    assert page.get_by_text("aucune parcelle importée").is_visible()
    j.checkpoint("donnees-de-reference")

    # Upload: the simulation is queued and its progress shown.
    sheet = EDIGEO_SHEETS[0]
    page.set_input_files("#id_file", str(sheet))
    page.fill("#id_millesime", "2024-01-01")
    page.get_by_role("button", name="Simuler l'import").click()
    page.wait_for_url("**/imports/*/")
    assert page.get_by_role("status").filter(has_text="simulation en cours").is_visible()
    progress = page.locator("#import-progress")
    assert progress.is_visible()
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(progress=40)  # as the job's reader reports it
    expect(page.locator("#import-status")).to_contain_text("(40 %)")  # polled by the page
    expect(progress).to_have_attribute("value", "40")
    j.checkpoint("simulation-en-cours")

    runs.execute(run.pk, apply=False)  # the worker's job; the page reloads by itself
    page.get_by_role("heading", name="Résultat de la simulation").wait_for()
    summary = page.get_by_role("table")
    assert summary.get_by_role("row", name="À insérer 14").is_visible()
    assert not Parcel.objects.filter(commune="25354").exists()  # nothing changed yet
    j.checkpoint("simulation-terminee")

    page.get_by_role("button", name="Appliquer l'import").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="import en cours").first.is_visible()
    runs.execute(run.pk, apply=True)
    page.get_by_role("heading", name="Rapport de l'import").wait_for()
    assert page.get_by_role("row", name="Insérés 14").is_visible()
    assert Parcel.objects.filter(commune="25354").count() == 14
    j.checkpoint("import-applique")

    page.get_by_role("link", name="Retour aux données de référence").click()
    page.wait_for_load_state()
    history = page.get_by_role("table", name="Les 50 derniers imports de la commune")
    row = history.get_by_role("row").filter(has_text=sheet.name)
    assert row.get_by_text("importé").is_visible()
    assert row.get_by_text(run.sha256).is_visible()
    assert row.get_by_text("Alice Admin").is_visible()
    assert page.get_by_text("14 parcelles en vigueur, millésime du 01/01/2024").is_visible()
    j.checkpoint("historique")
