"""The holder's follow-ups in Debian's Chromium: a modificatif prepared from the permit, its
pieces added and filed (M01); the transfert and prorogation forms; then the DOC and the DAACT
declared from their short forms. axe-core checks each new page (WCAG 2.1 A and AA)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from permits.models import Dossier
from tests.e2e.test_applicant_browser import Journey, pdf_file
from tests.factories import make_team
from tests.journey.test_follow_ups import granted
from workflow.states import State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_holder_files_a_modificatif_and_a_daact_in_a_real_browser(
    live_server, browser_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    team = make_team()
    parent = granted(team)
    page = browser_page
    j = Journey(page, live_server.url)
    j.go("/connexion/")
    page.fill("#id_login", team.applicant.username)
    page.fill("#id_password", "un-mot-de-passe-de-test")
    page.locator("form[action='/connexion/']").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()

    # The modificatif: prepared from the permit, then the ordinary steps.
    j.go(f"/dossiers/{parent.pk}/")
    j.checkpoint("suites-dossier")
    page.get_by_role("button", name="Demander un permis modificatif").click()
    page.wait_for_load_state()
    assert parent.display_number in page.content()
    j.checkpoint("modificatif")
    page.fill("#id_modifications", "Le garage passe de 20 à 25 m².")
    page.get_by_role("button", name="Préparer la demande de modification").click()
    page.wait_for_url("**/brouillon/")
    j.checkpoint("modificatif-etapes")
    page.get_by_role("link", name="Les pièces jointes").click()
    for code in ("PCM1", "PCM2"):
        page.set_input_files(f"#file-{code}", str(pdf_file(tmp_path, f"{code}.pdf")))
        page.locator(f"form:has(#file-{code})").get_by_role("button", name="Envoyer").click()
        page.wait_for_selector(f"text=Pièce {code} enregistrée")  # sent without reload
    page.goto(page.url.replace("pieces/", "verifier/"))
    page.check("#id_electronic_notification_consent_0")
    page.check("#id_certify")
    j.checkpoint("modificatif-verifier")
    page.get_by_role("button", name="Déposer ma demande").click()
    page.wait_for_url("**/dossiers/*/")
    modificatif = Dossier.objects.get(procedure="MODIFICATIF")
    assert modificatif.display_number == f"{parent.display_number} M01"
    assert modificatif.state == State.DEPOSITED

    # The transfert and prorogation forms.
    j.go(f"/dossiers/{parent.pk}/suite/transfert/")
    j.checkpoint("transfert")
    j.go(f"/dossiers/{parent.pk}/suite/prorogation/")
    j.checkpoint("prorogation")

    # The DOC, then the DAACT.
    j.go(f"/dossiers/{parent.pk}/")
    assert modificatif.display_number in page.content()  # the parent lists its children
    page.get_by_role("button", name="Déclarer l'ouverture du chantier (DOC)").click()
    page.wait_for_load_state()
    j.checkpoint("doc")
    opened = timezone.localdate() - timedelta(days=2)
    page.fill("#id_opened_on", opened.isoformat())
    page.get_by_role("button", name="Déposer la déclaration").click()
    page.wait_for_url(f"**/dossiers/{parent.pk}/")
    page.get_by_role("button", name="Déclarer l'achèvement des travaux (DAACT)").click()
    page.wait_for_load_state()
    j.checkpoint("daact")
    page.fill("#id_completed_on", timezone.localdate().isoformat())
    page.get_by_role("button", name="Déposer la déclaration").click()
    page.wait_for_url(f"**/dossiers/{parent.pk}/")
    j.checkpoint("apres-daact")
    parent.refresh_from_db()
    assert parent.state == State.WORKS_COMPLETED
    assert parent.doc_received_on == opened
