"""Issue 16 §1 in Debian's Chromium: the questionnaire starts from the parcel and shows what the
data know of it (zone N of the demo's PLU) instead of asking; then the issue's dossier — a DP
for a 30 m² extension on parcel 91216000AB0037, in zone N — is stopped at the review with its
reason and article, and switched to a permit in one click, keeping its answers and pieces.
Screenshots at 1280, 390 and 320 px in var/e2e/; axe-core on each page (WCAG 2.1 A and AA)."""

import pytest
from django.core.management import call_command

from permits.models import Dossier, DossierParcel
from tests.e2e.test_applicant_browser import Journey, pdf_file
from tests.e2e.test_officer_browser import sign_in
from tests.factories import filed_dossier, make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = (1280, 390, 320)
SWITCH = "Passer au permis de construire pour une maison individuelle"


def at_every_width(page, j, name: str) -> None:
    """A screenshot (and an axe-core audit) of the page at each width, back to 1280 after."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        j.checkpoint(f"procedure-{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def fill_step(page, link, values: dict, button="Enregistrer et continuer") -> None:
    """One step of the draft: opened from the task list (unless already open), filled, saved."""
    if link:
        page.get_by_role("link", name=link).click()
    for selector, value in values.items():
        page.fill(selector, value)
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/brouillon/")


def test_the_dp_for_30_m2_in_zone_n_is_stopped_and_switched_to_a_pc_keeping_its_answers(
    live_server, browser_page, cadastre_91216, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    team = make_team()
    call_command("draw_demo_constraints", "91216")
    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, team.applicant)

    # The questionnaire from the site: the zone is read, not asked.
    j.go("/demarches/")
    page.fill("#id_parcels", "AB 37")
    page.get_by_role("button", name="Vérifier le terrain").click()
    page.wait_for_load_state()
    facts = page.inner_text(".site-facts")
    assert "NAB (zone N)" in facts and "plan local d'urbanisme" in facts
    assert page.locator("#id_urban_zone").count() == 0
    assert page.locator("#id_protected_area").count() == 0
    page.check("#id_works_1")  # extension
    page.fill("#id_floor_area_m2", "30")
    page.fill("#id_total_after_m2", "110")
    page.check("#id_single_house")
    page.get_by_role("button", name="Trouver ma démarche").click()
    page.wait_for_load_state()
    advice = page.inner_text(".advice")
    assert "Permis de construire pour une maison individuelle" in advice
    assert "R421-14 a" in advice
    at_every_width(page, j, "questionnaire")

    # The applicant files a DP anyway, chosen directly, as in the issue.
    page.select_option("#id_procedure", "DP")
    page.get_by_role("button", name="Commencer la demande").click()
    page.wait_for_url("**/brouillon/")
    draft = Dossier.objects.get(depositor=team.applicant)
    fill_step(page, "Le demandeur", {
        "#id_birth_name": "Martin", "#id_given_names": "Camille",
        "#id_address": "3 rue des Lilas", "#id_postcode": "91360",
        "#id_locality": "Épinay-sur-Orge", "#id_email": "camille@example.org"})  # fmt: skip
    fill_step(page, "Le terrain et ses parcelles", {
        "#id_site_address": "Chemin des Prés", "#id_site_postcode": "91360",
        "#id_site_locality": "Épinay-sur-Orge", "#id_parcels": "AB 37",
    }, button="Vérifier les parcelles et enregistrer")  # fmt: skip
    page.get_by_role("link", name="Le projet").click()
    page.select_option("#id_works_nature", "extension")
    page.check("#id_q_creates_volume")
    fill_step(page, None, {
        "#id_description": "Extension de 30 m² de la maison.",
        "#id_floor_area_existing_m2": "80", "#id_floor_area_created_m2": "30"})  # fmt: skip
    page.get_by_role("link", name="Les pièces jointes").click()
    for code in ("DP1", "DP2", "DP3"):
        page.set_input_files(f"#file-{code}", str(pdf_file(tmp_path, f"{code}.pdf")))
        page.locator(f"form:has(#file-{code})").get_by_role("button", name="Envoyer").click()
        page.wait_for_selector(f"text=Pièce {code} enregistrée")  # sent without reload

    # Stopped at the review: the reason, its article, no filing; the switch offered.
    page.goto(page.url.replace("pieces/", "verifier/"))
    stop = page.inner_text(".procedure-mismatch")
    assert "zone N (NAB)" in stop and "R421-14 a" in stop
    assert page.is_disabled("button:has-text('Déposer ma demande')")
    at_every_width(page, j, "dp-arretee")

    # One click: a PCMI with the same answers and pieces; the new pieces listed as missing.
    page.get_by_role("button", name=SWITCH).click()
    page.wait_for_url("**/brouillon/")
    message = page.inner_text(".notices")
    assert "désormais : Permis de construire pour une maison individuelle" in message
    assert "PCMI1" in message
    assert page.inner_text("h1") == "Permis de construire pour une maison individuelle"
    at_every_width(page, j, "pc-etapes")
    draft.refresh_from_db()
    assert (draft.procedure, draft.cerfa) == ("PCMI", "13406*16")
    assert (draft.works_nature, draft.floor_area_created_m2, draft.description) == (
        "extension", 30, "Extension de 30 m² de la maison.")  # fmt: skip
    assert [p.idu for p in draft.parcels.all()] == ["91216000AB0037"]
    page.get_by_role("link", name="Les pièces jointes").click()
    page.wait_for_load_state()
    kept = page.inner_text("main")
    assert "Pièces jointes sous votre démarche précédente" in kept and "DP1.pdf" in kept
    assert "À fournir" in page.inner_text("tr:has-text('PCMI1')")
    at_every_width(page, j, "pc-pieces")

    # The officer sees the same finding on a DP already filed with these facts.
    filed = filed_dossier(team, "DP")
    Dossier.objects.filter(pk=filed.pk).update(
        works_nature="extension", floor_area_existing_m2=80, floor_area_created_m2=30,
        parcel_check=draft.parcel_check, description=draft.description)  # fmt: skip
    DossierParcel.objects.create(dossier=filed, idu="91216000AB0037")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{filed.pk}/")
    finding = page.inner_text(".procedure-mismatch")
    assert "appellent un permis de construire" in finding and "R421-14 a" in finding
    at_every_width(page, j, "instruction")
