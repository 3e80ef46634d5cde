"""The counter's journey in Chromium (issue 23): a paper PC received three days earlier is
registered with four scanned pieces (three cut from one scan, one uploaded alone); the
récépissé is printed and read back (number, dates, tacit date, claim code, the commune's
seal); the clock counts from the receipt date; the applicant claims the dossier online with
the code and follows it; the decision is notified by post with the AR's date."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from permits.decisions.issuing import issue_decision, sign_pending
from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from tests.counter.conftest import a_parcel_idu, make_counter_team, scan_pdf
from tests.decisions.conftest import assert_pdfsig_valid
from tests.e2e.test_applicant_browser import Journey, off_loop
from tests.e2e.test_officer_browser import sign_in, sign_out
from workflow.clock import format_fr
from workflow.clock.months import add_months
from workflow.states import State
from workflow.transitions import fire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_a_paper_filing_registered_at_the_counter_then_followed_online(
    live_server, browser_page, cadastre_91216, pki_dir, documents_root, tmp_path
):
    team = make_counter_team()
    received = timezone.localdate() - timedelta(days=3)
    idu = a_parcel_idu()
    page = browser_page
    j = Journey(page, live_server.url)

    # The counter opens the registration at the receipt date.
    sign_in(page, j, team.guichet)
    page.get_by_role("link", name="Guichet").click()  # the menu offers it to the counter
    j.checkpoint("guichet")
    page.select_option("#id_procedure", "PC")
    page.get_by_label("Papier, déposé en mairie").check()
    page.fill("#id_received_on", received.isoformat())
    page.get_by_role("button", name="Commencer l'enregistrement").click()
    page.wait_for_load_state()
    dossier = Dossier.objects.get(counter_filing__isnull=False)
    assert page.url.endswith(f"/guichet/{dossier.pk}/")
    j.checkpoint("guichet-enregistrement")

    # The cerfa's fields, with the journey's forms and checks.
    page.get_by_role("link", name="Le demandeur").click()
    page.get_by_label("Madame").check()
    page.fill("#id_birth_name", "Lefèvre")
    page.fill("#id_given_names", "Odile")
    page.fill("#id_address", "4 rue de la Mairie")
    page.fill("#id_postcode", "91360")
    page.fill("#id_locality", "Épinay-sur-Orge")
    j.checkpoint("guichet-demandeur")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Le terrain et ses parcelles").click()
    page.fill("#id_site_address", "12 chemin des Vignes")
    page.fill("#id_site_postcode", "91360")
    page.fill("#id_site_locality", "Épinay-sur-Orge")
    page.fill("#id_parcels", "91216000XX9999")  # the parcel check refuses an unknown parcel
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "91216000XX9999" in page.locator(".error-summary").inner_text()
    page.fill("#id_parcels", idu)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Le projet").click()
    page.select_option("#id_works_nature", "new_building")
    page.fill("#id_description", "Construction d'un atelier.")
    page.fill("#id_architect_name", "Atelier Rivière")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Projet enregistré" in page.content()

    # Four scanned pieces: one scan cut into three, one PDF alone.
    scan = scan_pdf(6)
    (tmp_path / "scan.pdf").write_bytes(scan.read())
    page.set_input_files("#id_scan", str(tmp_path / "scan.pdf"))
    page.fill("#id_ranges", "PC1 : 1\nPC2 : 2-4\nPC3 : 5-6")
    page.get_by_role("button", name="Découper et joindre").click()
    page.wait_for_load_state()
    assert "pièces PC1, PC2, PC3 enregistrées" in page.content()
    page.get_by_role("link", name="Les pièces jointes").click()
    (tmp_path / "PC4.pdf").write_bytes(scan_pdf(2).read())
    page.set_input_files("#file-PC4", str(tmp_path / "PC4.pdf"))
    page.locator("form:has(#file-PC4)").get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()
    j.checkpoint("guichet-pieces")
    pages = dict(dossier.pieces.values_list("code", "pages"))
    assert pages == {"PC1": 1, "PC2": 3, "PC3": 2, "PC4": 2}
    page.get_by_role("link", name="← Retour à l'enregistrement").click()

    # Registered: the number, the clock from the receipt date, the récépissé with the code.
    page.get_by_role("button", name="Enregistrer et produire le récépissé").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.state == State.DEPOSITED and dossier.filed_on == received
    completeness = next(d for d in dossier.deadlines() if d.name == "completeness_deadline")
    assert completeness.date == add_months(received, 1)
    tacit = next(d for d in dossier.deadlines() if d.name == "tacit_decision")
    code = page.locator("dd strong").inner_text()
    assert dossier.display_number in page.content() and len(code) == 14
    receipt = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.RECEPISSE)
    off_loop(sign_pending, receipt.pk)  # the worker's job
    page.reload()
    j.checkpoint("guichet-recepisse")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le récépissé à imprimer (PDF)").click()
    path = tmp_path / "recepisse.pdf"
    download.value.save_as(path)
    assert_pdfsig_valid(path)
    text = pdf_text(path)
    assert dossier.display_number in text
    assert f"reçue le {format_fr(received)}" in text
    assert format_fr(tacit.date) in text and code in text
    sign_out(page)

    # The applicant claims the dossier online and follows it (on paper for the decision).
    sign_in(page, j, team.applicant)
    j.go("/dossiers/")
    page.get_by_role("link", name="Suivre un dossier déposé en mairie").click()
    j.checkpoint("suivre-un-depot")
    page.fill("#id_code", code)
    page.get_by_role("button", name="Suivre ce dossier").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/dossiers/{dossier.pk}/")
    assert "Papier, déposé en mairie" in page.content()
    j.checkpoint("dossier-reclame")

    # The decision, signed; the officer enters the date of the AR of the registered letter.
    dossier = fire(dossier, "declare_complete", actor=team.officer)
    dossier = fire(dossier, "propose_decision", actor=team.officer, outcome="grant")
    dossier = fire(dossier, "send_for_signature", actor=team.officer)
    off_loop(sign_pending, issue_decision(dossier, team.mayor).pk)
    sign_out(page)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    assert "Canal de dépôt" in page.content()
    ar_date = timezone.localdate()
    page.fill("#nd-on", ar_date.isoformat())
    page.get_by_role("button", name="Enregistrer la notification").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.decision_notified_on == ar_date
    assert dossier.state in (State.NOTIFIED, State.EXECUTORY)
