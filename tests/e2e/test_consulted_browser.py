"""The consulted service's workspace in Chromium (issue 18, §1): an ABF member opens the
consultation of a PCMI in the abords of a monument, views two pieces and the plan, answers
"accord avec prescriptions" with two prescriptions and a PDF; the officer's draft decision then
holds both prescriptions (R425-1). axe-core checks both pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ConsultedService, Membership, Role
from cadastre.check import check_parcels
from permits.models import Dossier, DossierParcel, PlatauAccount
from permits.pieces.store import add_piece
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import parcel_in_ac1, sign_in, sign_out
from tests.factories import UserFactory, filed_dossier, make_team
from tests.journey.test_applicant_journey import pdf_bytes
from workflow.consultations import send_consultation
from workflow.models import Consultation, Opinion
from workflow.states import State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PRESCRIPTIONS = [
    "Couverture en tuiles plates de terre cuite, teinte brun vieilli.",
    "Menuiseries extérieures en bois peint, sans volets roulants en saillie.",
]


def test_an_abf_member_answers_with_the_whole_file(live_server, browser_page, cadastre_91216,
                                                    tmp_path):  # fmt: skip
    call_command("draw_demo_constraints", "91216")
    team = make_team()
    idu = parcel_in_ac1()
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate(), flags=["ABF_ACCORD_REQUIRED"],
                            description="Extension d'une maison.")  # fmt: skip
    DossierParcel.objects.create(dossier=dossier, idu=idu)
    Dossier.objects.filter(pk=dossier.pk).update(
        parcel_check=check_parcels([idu], "91216").as_dict(), state=State.UNDER_INSTRUCTION
    )
    dossier.refresh_from_db()
    for code in ("PCMI1", "PCMI2"):
        add_piece(dossier, code, SimpleUploadedFile(f"{code}.pdf", pdf_bytes()), team.applicant)
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    architect = UserFactory(first_name="Hélène", last_name="Roux")
    Membership.objects.create(user=architect, role=Role.CONSULTEE, consulted_service=udap)
    consultation = send_consultation(dossier, service=udap, actor=team.officer)
    assert consultation.binding

    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, architect)
    j.go("/consultations/")
    j.checkpoint("consultations-liste")
    page.get_by_role("link", name=dossier.display_number, exact=False).click()
    page.wait_for_load_state()
    assert "un accord tacite" in page.locator("#deadline-title + p + p").inner_text()
    # The plan: the dossier's parcel and the AC1 perimeter drawn, listed in text beside it.
    page.wait_for_selector("#site-map[data-loaded]")
    assert page.locator(".site-map-canvas path.leaflet-interactive").count() >= 2
    assert "AC1" in page.locator(".site-map-list").inner_text()
    # Two pieces opened in the browser's viewer (a new tab each).
    for code in ("PCMI1", "PCMI2"):
        with page.context.expect_page() as opened:
            page.get_by_role("link", name=f"afficher {code}", exact=False).click()
        viewer = opened.value
        viewer.wait_for_load_state()
        assert f"/consultations/{consultation.pk}/pieces/" in viewer.url
        viewer.close()
    j.checkpoint("consultation-abf")

    page.get_by_label("Accord avec prescriptions").check()
    page.get_by_label("Motivation").fill("Projet compatible avec les abords du monument.")
    page.get_by_label("Prescription 1", exact=True).fill(PRESCRIPTIONS[0])
    page.get_by_label("Prescription 2", exact=True).fill(PRESCRIPTIONS[1])
    sketch = tmp_path / "croquis-abf.pdf"
    sketch.write_bytes(pdf_bytes())
    page.get_by_label("Documents joints", exact=False).set_input_files(str(sketch))
    page.get_by_role("button", name="Rendre l'avis").click()
    page.wait_for_load_state()
    assert "Avis enregistré." in page.content()
    assert page.locator("ol.prescriptions li").all_inner_texts() == PRESCRIPTIONS
    assert page.get_by_role("link", name="croquis-abf.pdf").is_visible()
    j.checkpoint("consultation-abf-rendue")
    answered = Consultation.objects.get(pk=consultation.pk)
    assert (
        answered.opinion == Opinion.WITH_PRESCRIPTIONS and answered.prescriptions == PRESCRIPTIONS
    )
    assert answered.documents.get().original_name == "croquis-abf.pdf"

    sign_out(page)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    drafted = page.locator("#pd-prescriptions").input_value()
    assert drafted.splitlines() == PRESCRIPTIONS


def test_the_officer_sends_again_what_platau_refused(live_server, browser_page, hub):
    """A commune on PLAT'AU: the hub is down while the officer consults the ABF; the failure
    is shown on the instruction page and « Renvoyer » delivers it (issue 18, §2)."""
    team = make_team()
    PlatauAccount.objects.create(commune=team.commune, actor_id="ACT-CI-91216")
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate())
    udap = ConsultedService.objects.create(name="UDAP de l'Essonne (ABF)", kind="abf")
    hub.control("fail", {"path": "dossiers", "status": 503, "times": 3})

    page = browser_page
    j = Journey(page, live_server.url)
    sign_in(page, j, team.officer)
    j.go(f"/instruction/{dossier.pk}/")
    page.check(f"#cs-service-{udap.pk}")
    page.get_by_role("button", name="Consulter", exact=True).click()
    page.wait_for_load_state()
    assert "PLAT'AU ne l'a pas reçue" in page.content()
    table = page.locator("table[aria-labelledby=platau-title]")
    assert "après 3 tentatives" in table.inner_text()
    j.checkpoint("instruction-platau-echec")
    page.get_by_role("button", name="Renvoyer : dépôt du dossier").click()
    page.wait_for_load_state()
    assert "Message renvoyé et accepté par PLAT'AU." in page.content()
    page.get_by_role("button", name="Renvoyer : consultation").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Renvoyer", exact=False).count() == 0
    assert len(hub.state()["consultations"]) == 1
    j.checkpoint("instruction-platau-renvoye")
