"""The whole filing with the keyboard only (issue 19, WCAG 2.1.1): every field and button is
reached with Tab (never clicked, never focused by script), typed into, ticked with Space,
pressed with Enter; the file chooser opens from the keyboard. The focus ring is visible."""

import pytest

from permits.models import Dossier
from permits.models.dossiers import WorksNature
from tests.e2e.test_applicant_browser import Journey, pdf_file
from tests.factories import make_team
from workflow.states import State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PASSWORD = "un-mot-de-passe-de-test"


class Keyboard:
    def __init__(self, page):
        self.page = page

    def focused(self, selector: str) -> bool:
        return self.page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )

    def reach(self, selector: str, limit: int = 400):
        """Tab until `selector` has the focus: what the keyboard cannot reach fails here."""
        for _ in range(limit):
            if self.focused(selector):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{selector} cannot be reached with Tab")

    def type(self, selector: str, text: str):
        self.reach(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def press(self, selector: str, key: str = "Enter"):
        self.reach(selector)
        self.page.keyboard.press(key)

    def choose(self, first_radio: str, wanted: str):
        """A radio group: Tab reaches it, the arrows move the choice."""
        self.reach(first_radio)
        for _ in range(30):
            if self.focused(wanted):
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{wanted} cannot be chosen with the arrows")


def test_a_declaration_is_filed_with_the_keyboard_only(
    live_server, browser_page, cadastre_91216, tmp_path
):
    team = make_team()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    j = Journey(page, live_server.url)
    keys = Keyboard(page)

    j.go("/connexion/")
    keys.type("#id_login", team.applicant.username)
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
    assert ring[0] == "solid" and ring[1] >= 2 and ring[2] == "rgb(27, 27, 27)"  # 16.9:1
    keys.type("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    j.go("/demarches/")
    keys.type("#id_parcels", "AB 26")
    with page.expect_navigation():
        keys.press("button[name=etape]")
    extension = list(WorksNature.values).index("extension")
    keys.choose("#id_works_0", f"#id_works_{extension}")
    keys.type("#id_floor_area_m2", "15")
    keys.type("#id_total_after_m2", "115")
    with page.expect_navigation():
        keys.press("form[method=get] > button[type=submit]:not([name])")
    assert keys.focused("section.advice")  # the result has the focus
    keys.press("section.advice button[type=submit]")
    page.wait_for_url("**/brouillon/")
    dossier = Dossier.objects.get(depositor=team.applicant)

    with page.expect_navigation():
        keys.press("a[href$='/demandeur/']")
    keys.type("#id_birth_name", "Martin")
    keys.type("#id_given_names", "Camille")
    keys.type("#id_address", "4 rue des Tilleuls")
    keys.type("#id_postcode", "91360")
    keys.type("#id_locality", "Épinay-sur-Orge")
    page.keyboard.press("Enter")  # the form's default button: save
    page.wait_for_url("**/brouillon/")

    with page.expect_navigation():
        keys.press("a[href$='/terrain/']")
    keys.type("#id_site_address", "4 rue des Tilleuls")
    keys.press("main form button[type=submit]")
    page.wait_for_url("**/brouillon/")

    with page.expect_navigation():
        keys.press("a[href$='/projet/']")
    keys.type("#id_description", "Extension de 15 m² d'une maison.")
    keys.press("main form button[type=submit]")
    page.wait_for_url("**/brouillon/")

    with page.expect_navigation():
        keys.press("a[href$='/pieces/']")
    keys.reach("#files")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(pdf_file(tmp_path, "DP1 plan de situation.pdf")))
    keys.press(".dropzone button[type=submit]")
    page.wait_for_selector("text=Pièce DP1 enregistrée")
    assert keys.focused(".notices")  # the result is announced and focused

    keys.press("a[href$='/brouillon/']")
    page.wait_for_url("**/brouillon/")
    with page.expect_navigation():
        keys.press("a[href$='/verifier/']")
    with page.expect_navigation():  # sent without the choices: refused, nothing lost
        keys.press("button[data-once]")
    assert keys.focused(".error-summary")  # the summary has the focus (data-autofocus)
    assert "Choisissez comment recevoir" in page.inner_text(".error-summary")
    keys.choose("#id_electronic_notification_consent_0", "#id_electronic_notification_consent_0")
    page.keyboard.press("Space")
    keys.press("#id_certify", "Space")
    keys.press("button[data-once]")
    page.wait_for_url("**/dossiers/*/")
    dossier.refresh_from_db()
    assert dossier.state == State.DEPOSITED and dossier.electronic_notification_consent
    j.checkpoint("clavier-depose")
