"""The typing budget (issue 19): a FranceConnect applicant files a DP for an extension on a
91216 parcel typing at most 10 values. Every value typed goes through `Typist.type`, which
counts it; clicks (a radio, a checkbox, a button) and uploads are not typing. What is known is
not typed again: the questionnaire's answers, the site's postcode and town, the identity. The
pieces go several at once, without the page reloading."""

import pytest

from accounts.oidc import client as oidc_client
from permits.models import Dossier, Piece
from tests.accounts.conftest import NODE_CLIENT_ID, NODE_CLIENT_SECRET, _provider_settings
from tests.e2e.test_applicant_browser import Journey, pdf_file
from tests.factories import make_team
from workflow.states import State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BUDGET = 10


class Walk(Journey):
    """Every page visited: a screenshot, axe-core, and no horizontal scroll (WCAG 1.4.10)."""

    def __init__(self, page, base_url: str, width: int):
        super().__init__(page, base_url)
        self.width = width
        page.set_viewport_size({"width": width, "height": 800})

    def checkpoint(self, name: str, audit: bool = True):
        super().checkpoint(f"{name}-{self.width}", audit)
        wide = self.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= self.width, f"{name}: {wide} px wide at {self.width} px: {self.culprits()}"

    def culprits(self) -> list[str]:
        """The elements that stick out on the right, to say where the page is too wide."""
        return self.page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
                             + Math.round(e.getBoundingClientRect().right))""")


class Typist:
    def __init__(self, page):
        self.page, self.typed = page, []

    def type(self, selector: str, value: str):
        self.typed.append((selector, value))
        self.page.fill(selector, value)


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_a_dp_extension_is_filed_typing_at_most_ten_values(
    live_server, franceconnect_node, settings, cadastre_91216, tmp_path, browser_page, width
):
    oidc_client.clear_caches()
    settings.FRANCECONNECT = _provider_settings(franceconnect_node, NODE_CLIENT_ID,
                                                NODE_CLIENT_SECRET)  # fmt: skip
    make_team()
    page = browser_page
    j = Walk(page, live_server.url, width)
    keys = Typist(page)

    j.go("/connexion/")
    page.get_by_role("link", name="S’identifier avec FranceConnect").click()
    page.select_option("#login", "test")  # the provider's page, not ours: not counted
    page.fill("#password", "123")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(f"{live_server.url}/**")

    # The questionnaire, from the site: the parcel, the works and their surfaces.
    j.go("/")
    j.checkpoint("budget-accueil")
    j.go("/demarches/")
    j.checkpoint("budget-questionnaire")
    keys.type("#id_parcels", "AB 26")
    page.get_by_role("button", name="Vérifier le terrain").click()
    page.wait_for_load_state()
    page.get_by_label("Extension ou surélévation d'une construction existante").check()
    keys.type("#id_floor_area_m2", "15")
    keys.type("#id_total_after_m2", "115")
    page.get_by_role("button", name="Trouver ma démarche").click()
    page.wait_for_load_state()
    advice = page.locator("section.advice")
    assert "Déclaration préalable" in advice.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('advice')")  # focus moved
    j.checkpoint("budget-conseil")
    advice.get_by_role("button").first.click()
    page.wait_for_url("**/brouillon/")
    j.checkpoint("budget-etapes")
    dossier = Dossier.objects.get(depositor__federated_identities__isnull=False)
    assert dossier.procedure == "DP"

    # The applicant: the identity comes from FranceConnect; the address is typed once.
    page.get_by_role("link", name="Le demandeur").click()
    keys.type("#id_address", "4 rue des Tilleuls")
    keys.type("#id_postcode", "91360")
    keys.type("#id_locality", "Épinay-sur-Orge")
    assert page.get_attribute("#id_address", "autocomplete") == "street-address"
    j.checkpoint("budget-demandeur")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/brouillon/")

    # The site: the parcel, postcode and town are known; only the street is typed.
    page.get_by_role("link", name="Le terrain et ses parcelles").click()
    assert page.input_value("#id_parcels").strip() == "91216000AB0026"
    assert page.input_value("#id_site_postcode") == "91360"
    assert page.input_value("#id_site_locality") == "Épinay-sur-Orge"
    keys.type("#id_site_address", "4 rue des Tilleuls")
    j.checkpoint("budget-terrain")
    page.get_by_role("button", name="Vérifier les parcelles et enregistrer").click()
    page.wait_for_url("**/brouillon/")

    # The project: the works and surfaces come from the questionnaire.
    page.get_by_role("link", name="Le projet").click()
    assert page.input_value("#id_works_nature") == "extension"
    assert page.input_value("#id_floor_area_created_m2") == "15"
    assert page.input_value("#id_floor_area_existing_m2") == "100"
    keys.type("#id_description", "Extension de 15 m² d'une maison.")
    j.checkpoint("budget-projet")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/brouillon/")

    # The pieces: every required one at once, without the page reloading.
    page.get_by_role("link", name="Les pièces jointes").click()
    page.wait_for_load_state()
    required = [c for c in page.locator("tbody th").all_inner_texts()
                if "facultative" not in c]  # fmt: skip
    codes = [c.split(" –")[0] for c in required]
    assert codes, "a DP asks for pieces"
    page.evaluate("window.sameDocument = true")
    page.set_input_files("#files", [str(pdf_file(tmp_path, f"{code} piece.pdf")) for code in codes])
    page.get_by_role("button", name="Envoyer les fichiers").click()
    page.wait_for_selector(f"text=Pièce {codes[-1]} enregistrée")
    assert page.evaluate("window.sameDocument === true")  # no reload
    assert set(Piece.objects.filter(dossier=dossier).values_list("code", flat=True)) == set(codes)
    j.checkpoint("budget-pieces")

    # The review shows every answer; the consent is an explicit choice, none pre-selected.
    page.goto(page.url.replace("pieces/", "verifier/"))
    review = page.inner_text("main")
    assert "15 m²" in review and "100 m²" in review and "Extension ou surélévation" in review
    assert not page.is_checked("#id_electronic_notification_consent_0")
    assert not page.is_checked("#id_electronic_notification_consent_1")
    page.check("#id_electronic_notification_consent_0")
    page.check("#id_certify")
    j.checkpoint("budget-verifier")
    page.get_by_role("button", name="Déposer ma demande").click()
    page.wait_for_url("**/dossiers/*/")
    dossier.refresh_from_db()
    assert dossier.state == State.DEPOSITED and dossier.electronic_notification_consent
    j.checkpoint("budget-depose")

    typed = [selector for selector, _ in keys.typed]
    assert len(typed) <= BUDGET, f"{len(typed)} values typed: {typed}"
