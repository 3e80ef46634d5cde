"""The applicant's whole journey in Debian's Chromium, driven by Playwright: FranceConnect
sign-in through the local provider, pre-filled identity, a parcel chosen on the map and checked,
pieces uploaded, filing, the receipt downloaded; then (officer and mayor through their
operations) the signed decision downloaded and the DOC declared. axe-core checks every page of
ours on the way (WCAG 2.1 A and AA). Screenshots are kept in var/e2e/ as test artifacts."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.oidc import client as oidc_client
from permits.decisions.issuing import issue_decision, sign_pending
from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from tests.accounts.conftest import NODE_CLIENT_ID, NODE_CLIENT_SECRET, _provider_settings
from tests.e2e.conftest import record_axe
from tests.factories import filed_dossier, make_team
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "e2e"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PARCEL = "91216000AB0026"


def pdf_file(tmp_path, name: str) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


class Journey:
    def __init__(self, page, base_url: str):
        self.page, self.base = page, base_url
        self.step = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def go(self, path: str):
        self.page.goto(self.base + path)

    def checkpoint(self, name: str, audit: bool = True):
        """A screenshot, and axe-core on our own pages."""
        self.step += 1
        self.page.screenshot(path=ARTIFACTS / f"{self.step:02d}-{name}.png", full_page=True)
        if audit:
            from axe_playwright_python.sync_playwright import Axe

            results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG}})
            record_axe(self.page, name, results.response)  # the accessibility statement's data
            assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def off_loop(function, *args):
    """Runs `function` in another thread: pyHanko signs with asyncio.run(), which cannot run
    inside the loop Playwright's sync API keeps in this thread (the worker has no such loop)."""
    from concurrent.futures import ThreadPoolExecutor

    def call():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def parcel_center(idu: str) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(p), ST_X(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
            "FROM cadastre_parcel WHERE idu = %s) q", [idu])  # fmt: skip
        return cursor.fetchone()


def test_the_applicant_journey_in_a_real_browser(
    live_server, franceconnect_node, settings, cadastre_91216, pki_dir, documents_root,
    tmp_path, browser_page,
):  # fmt: skip
    oidc_client.clear_caches()
    settings.EMAIL_BACKEND = "permits.mailbox.DatabaseBackend"  # the demo's mailbox page
    settings.FRANCECONNECT = _provider_settings(franceconnect_node, NODE_CLIENT_ID,
                                                NODE_CLIENT_SECRET)  # fmt: skip
    team = make_team()
    team.mayor.username = "maire"  # the key of the development PKI
    team.mayor.save()
    page = browser_page
    j = Journey(page, live_server.url)

    # 1. FranceConnect through the local provider.
    j.go("/connexion/")
    j.checkpoint("connexion")
    page.get_by_role("link", name="S’identifier avec FranceConnect").click()
    page.select_option("#login", "test")
    page.fill("#password", "123")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(f"{live_server.url}/**")

    # 2. The procedure, then the draft's steps.
    j.go("/demarches/?works=new_building&floor_area_m2=120&single_house=on")
    j.checkpoint("choix-demarche")
    page.get_by_role("button", name="Commencer : Permis de construire pour une maison "
                     "individuelle").click()  # fmt: skip
    page.wait_for_url("**/brouillon/")
    j.checkpoint("etapes")
    page.get_by_role("link", name="Le demandeur").click()
    assert page.input_value("#id_birth_name") == "DUBOIS"
    assert page.is_disabled("#id_birth_name")  # certified by FranceConnect
    j.checkpoint("demandeur-prerempli")
    page.fill("#id_address", "20 avenue de Ségur")
    page.fill("#id_postcode", "75007")
    page.fill("#id_locality", "Paris")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/brouillon/")

    # 3. The parcel, clicked on the map, then checked against the cadastre.
    page.get_by_role("link", name="Le terrain et ses parcelles").click()
    page.fill("#id_site_address", "12 rue de la Gare")
    page.fill("#id_site_postcode", "91360")
    page.fill("#id_site_locality", "Épinay-sur-Orge")
    lat, lon = parcel_center(PARCEL)
    page.wait_for_function("() => window.parcelMap !== undefined")
    page.evaluate(f"window.parcelMap.setView([{lat}, {lon}], 19)")
    page.wait_for_selector(".parcel-map-canvas path.leaflet-interactive")
    page.wait_for_timeout(500)
    canvas = page.locator(".parcel-map-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert PARCEL in page.input_value("#id_parcels")
    # The check is shown live, before the form is sent.
    page.wait_for_selector(".live-check li")
    assert "Superficie d'après le plan cadastral" in page.inner_text(".live-check")
    j.checkpoint("terrain-carte")
    page.get_by_role("button", name="Vérifier les parcelles et enregistrer").click()
    page.wait_for_url("**/brouillon/")

    # 4. The project and the pieces (PCMI1 to PCMI8).
    page.get_by_role("link", name="Le projet").click()
    page.select_option("#id_works_nature", "new_building")
    page.fill("#id_description", "Construction d'une maison individuelle de 120 m².")
    page.fill("#id_floor_area_created_m2", "120")
    page.check("#id_architect_exempt")  # a person building 120 m² for themself (R431-2)
    j.checkpoint("projet")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/brouillon/")
    page.get_by_role("link", name="Les pièces jointes").click()
    for n in range(1, 9):
        page.set_input_files(f"#file-PCMI{n}", str(pdf_file(tmp_path, f"PCMI{n}.pdf")))
        page.locator(f"form:has(#file-PCMI{n})").get_by_role("button", name="Envoyer").click()
        page.wait_for_selector(f"text=Pièce PCMI{n} enregistrée")  # sent without reload
    j.checkpoint("pieces")

    # 5. Check and file.
    page.goto(page.url.replace("pieces/", "verifier/"))
    page.check("#id_electronic_notification_consent_0")
    page.check("#id_certify")
    j.checkpoint("verifier")
    page.get_by_role("button", name="Déposer ma demande").click()
    page.wait_for_url("**/dossiers/*/")
    dossier = Dossier.objects.get(depositor__federated_identities__isnull=False)
    assert dossier.state == State.DEPOSITED
    assert dossier.display_number in page.content()
    j.checkpoint("depose")

    # 6. The receipt, signed by the worker's job, downloaded.
    receipt = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.RECEPISSE)
    assert "Récépissé de dépôt : en cours de signature" in page.inner_text("#documents-section")
    off_loop(sign_pending, receipt.pk)
    # The page shows it by itself once sealed (static/js/documents-refresh.js): no reload.
    page.get_by_role("link", name="Récépissé de dépôt (PDF signé)").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Récépissé de dépôt (PDF signé)").click()
    saved = tmp_path / "recepisse.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # 7. A missing piece is requested; the applicant sends it from the dossier page.
    dossier = fire(dossier, "request_pieces", actor=team.officer, pieces=["PCMI2"],
                   on=date.today())  # fmt: skip
    page.reload()
    page.get_by_role("link", name="Fournir les pièces demandées").click()
    page.wait_for_load_state()
    j.checkpoint("pieces-demandees")
    page.set_input_files("#file-PCMI2", str(pdf_file(tmp_path, "PCMI2-v2.pdf")))
    page.locator("form:has(#file-PCMI2)").get_by_role("button", name="Envoyer").click()
    page.wait_for_selector("text=Pièce PCMI2 enregistrée (version 2)")
    page.get_by_role("button", name="Transmettre les pièces au service").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_INSTRUCTION

    # 8. The officer and the mayor (their own browser journeys: test_officer_browser.py).
    dossier = fire(dossier, "propose_decision", actor=team.officer, outcome="grant")
    dossier = fire(dossier, "send_for_signature", actor=team.officer)
    off_loop(sign_pending, issue_decision(dossier, team.mayor).pk)
    dossier.refresh_from_db()
    dossier = fire(dossier, "notify_decision", actor=team.officer, on=date.today())
    dossier = fire(dossier, "record_prefet_ack", actor=team.officer, on=date.today())
    assert dossier.state == State.EXECUTORY

    # 9. The signed decision downloaded, then the DOC declared.
    page.reload()
    j.checkpoint("decision")
    with page.expect_download() as download:
        page.get_by_role("link", name="Décision (arrêté ou certificat d'urbanisme) (PDF "
                         "signé)").click()  # fmt: skip
    decision = tmp_path / "decision.pdf"
    download.value.save_as(decision)
    assert decision.read_bytes().startswith(b"%PDF")
    page.get_by_role("button", name="Déclarer l'ouverture du chantier (DOC)").click()
    page.wait_for_load_state()  # the short DOC form (tests/e2e/test_follow_ups_browser.py)
    page.fill("#id_opened_on", date.today().isoformat())
    page.get_by_role("button", name="Déposer la déclaration").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.WORKS_OPENED
    j.checkpoint("doc-declaree")
    j.go("/dossiers/")
    j.checkpoint("mes-dossiers")
    # 10. The account's pages, the personal data page and the demo mailbox.
    for path, name in (("/compte/", "compte"), ("/compte/identite/", "identite"),
                       ("/compte/mes-donnees/", "mes-donnees"),
                       ("/donnees-personnelles/", "donnees-personnelles"),
                       ("/boite-mail/", "boite-mail")):  # fmt: skip
        j.go(path)
        j.checkpoint(name)


def test_the_officer_screens_are_accessible(live_server, browser_page, cadastre_91216):
    """The worklist and the instruction page, in Chromium, checked by axe-core."""
    team = make_team()
    dossier = filed_dossier(team, "PCMI", on=date.today())
    page = browser_page
    j = Journey(page, live_server.url)
    j.go("/connexion/")
    page.fill("#id_login", team.officer.username)
    page.fill("#id_password", "un-mot-de-passe-de-test")
    page.locator("form[action='/connexion/']").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    j.go("/instruction/")
    assert dossier.display_number in page.content()
    j.checkpoint("instruction-liste")
    page.get_by_role("link", name=dossier.display_number).click()
    page.wait_for_load_state()
    j.checkpoint("instruction-dossier")
    page.get_by_role("button", name="Déclarer le dossier complet").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_INSTRUCTION
