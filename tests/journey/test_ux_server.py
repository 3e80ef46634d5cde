"""Issue 19 through the server (the pages without JavaScript): what is known is not asked
again, the consent is an explicit choice, several pieces go in one post, refused forms keep
what was typed, the statistics say when there is no data, the registers write dates in
French, the home page's procedures are links."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from permits.models import Dossier, Piece
from tests.factories import filed_dossier, make_team
from tests.journey.test_applicant_journey import applicant, fill, pdf_bytes, start  # noqa: F401
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


def test_the_site_postcode_and_town_come_from_the_commune(client, applicant):  # noqa: F811
    draft = start(client, "DP")
    assert (draft.site_postcode, draft.site_locality) == ("91360", "Épinay-sur-Orge")
    page = client.get(f"/dossiers/{draft.pk}/brouillon/terrain/").content.decode()
    assert 'value="91360"' in page


def test_the_applicant_address_comes_from_the_last_dossier(client, applicant, cadastre_91216):  # noqa: F811
    first = start(client, "DP")
    fill(client, first)
    first.applicants.update(phone="01 23 45 67 89")
    second = start(client, "DP")
    block = second.applicants.get()
    assert (block.address, block.postcode, block.locality, block.phone) == (
        "3 rue des Lilas", "91360", "Épinay-sur-Orge", "01 23 45 67 89")  # fmt: skip
    page = client.get(f"/dossiers/{second.pk}/brouillon/demandeur/").content.decode()
    assert 'autocomplete="street-address"' in page and 'autocomplete="tel"' in page
    assert 'autocomplete="postal-code"' in page and 'autocomplete="email"' in page


def test_the_questionnaire_answers_reach_the_project(client, applicant):  # noqa: F811
    answers = {"works": "extension", "floor_area_m2": "15", "total_after_m2": "115"}
    client.post("/demarches/commencer/", {"procedure": "DP", **answers})
    draft = Dossier.objects.latest("pk")
    assert (draft.works_nature, draft.floor_area_created_m2, draft.floor_area_existing_m2) == (
        "extension", 15, 100)  # fmt: skip
    review = client.get(f"/dossiers/{draft.pk}/brouillon/verifier/").content.decode()
    assert "Surface de plancher existante" in review and "100 m²" in review


def test_the_consent_is_an_explicit_choice(client, applicant, cadastre_91216):  # noqa: F811
    draft = start(client, "DP")
    fill(client, draft)
    url = f"/dossiers/{draft.pk}/brouillon/verifier/"
    page = client.get(url).content.decode()
    assert "checked" not in page  # nothing pre-selected
    refused = client.post(url, {"certify": "on"})
    assert "Choisissez comment recevoir les courriers et décisions." in refused.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    client.post(url, {"certify": "on", "electronic_notification_consent": "off"})
    draft.refresh_from_db()
    assert draft.state == State.DEPOSITED and not draft.electronic_notification_consent


def test_several_pieces_in_one_post_each_kept_or_refused(client, applicant):  # noqa: F811
    draft = start(client, "PCMI")
    url = f"/dossiers/{draft.pk}/brouillon/pieces/"
    files = [SimpleUploadedFile(name, data, content_type="application/pdf")
             for name, data in (("PCMI1 situation.pdf", pdf_bytes()),
                                ("pcmi 3 coupe.pdf", pdf_bytes()),
                                ("plan.pdf", pdf_bytes()),
                                ("PCMI2 masse.pdf", b"not a pdf"))]  # fmt: skip
    response = client.post(url, {"files": files})
    html = response.content.decode()
    assert response.status_code == 200  # one refused: the page says which, nothing is lost
    assert "plan.pdf : le nom du fichier doit commencer par le code de sa pièce" in html
    assert "PCMI2 masse.pdf (PCMI2)" in html
    saved = set(Piece.objects.filter(dossier=draft).values_list("code", flat=True))
    assert saved == {"PCMI1", "PCMI3"}  # the name's case and spaces do not matter
    ok = client.post(url, {"files": [SimpleUploadedFile("PCMI2.pdf", pdf_bytes())]})
    assert ok.status_code == 302


def test_home_procedures_are_links_to_the_direct_choice(client):
    team = make_team()
    html = client.get("/").content.decode()
    assert 'href="/demarches/?demarche=DP#choix-direct"' in html
    client.force_login(team.applicant)
    chosen = client.get("/demarches/?demarche=DP").content.decode()
    assert '<option value="DP" selected>' in chosen
    assert "error-summary" not in chosen  # the questionnaire is not sent by the link


def test_a_refused_act_keeps_what_was_typed_once(client):
    team = make_team()
    dossier = fire(filed_dossier(team, "PCMI", on=date.today()), "declare_complete",
                   actor=team.officer)  # fmt: skip
    client.force_login(team.officer)
    response = client.post(f"/instruction/{dossier.pk}/acte/propose_decision/",
                           {"state": dossier.state, "outcome": "refusal", "grounds": "",
                            "prescriptions": "Garder la haie.\nPeindre en gris."})  # fmt: skip
    assert response["Location"].endswith(f"/instruction/{dossier.pk}/#propose_decision")
    page = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert "indiquez tous les motifs (L424-3)" in page
    assert ">Garder la haie.\nPeindre en gris.</textarea>" in page
    assert '<option value="refusal" selected>' in page
    again = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert "Garder la haie." not in again  # shown once


def test_the_statistics_say_when_there_is_no_data(client):
    team = make_team()
    client.force_login(team.officer)
    html = client.get("/statistiques/").content.decode()
    assert html.count('class="chart-empty"') == 6  # every chart says it, none is drawn empty
    assert 'role="img"' not in html


def test_the_registers_write_dates_in_french(client):
    team = make_team()
    filed_dossier(team, "DP", on=date(2026, 3, 1))
    html = client.get("/registres/").content.decode()
    assert '<time datetime="2026-03-01">1er mars 2026</time>' in html
    assert client.get("/registres/?format=json").json()["depots"][0]["filed_on"] == "2026-03-01"


def test_the_dossier_page_opens_on_the_due_date_and_the_timeline(client):
    team = make_team()
    dossier = filed_dossier(team, "DP", on=date.today())
    client.force_login(team.applicant)
    html = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    tacit = dossier.deadline("tacit_decision")
    from workflow.clock import format_fr

    sentence = f"à défaut : {tacit.consequence.label} le {format_fr(tacit.date)} ({tacit.basis})"
    assert sentence in html
    assert html.index("due-sentence") < html.index('id="delais"')  # before the table
    assert '<li class="progress-now" aria-current="step">' in html
    assert '<details id="delais">' in html  # the full table one click away


def test_a_refused_request_for_pieces_keeps_the_ticked_boxes(client):
    team = make_team()
    dossier = filed_dossier(team, "PCMI", on=date.today())
    client.force_login(team.officer)
    posted = {"state": dossier.state, "pieces": ["PCMI2", "PCMI5"], "on": "1999-01-01"}
    client.post(f"/instruction/{dossier.pk}/acte/request_pieces/", posted)
    page = client.get(f"/instruction/{dossier.pk}/").content.decode()
    assert 'value="PCMI2" checked>' in page and 'value="PCMI5" checked>' in page
    assert 'value="PCMI3">' in page  # not ticked
    assert 'id="rp-on" name="on" value="1999-01-01"' in page
