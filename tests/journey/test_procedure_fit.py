"""Facts from the site drive the procedure (issue 16 §1), on the real 91216 cadastre with the
demo's zoning: parcel AB 37 lies in a zone N. The questionnaire derives it instead of asking;
a DP for a 30 m² extension there is stopped at the review and at filing with its article, and
switched to a permit in one click with every answer and piece kept; the instruction page shows
the same finding for a dossier already filed."""

import html
from datetime import date

import pytest
from django.core.management import call_command

from cadastre.check import check_parcels
from permits.filing import FilingError, file_dossier
from permits.models import Dossier, FloorArea
from permits.pieces import catalogue
from tests.factories import (
    ApplicantFactory,
    CommuneFactory,
    DossierFactory,
    UserFactory,
    filed_dossier,
    make_team,
)
from tests.journey.test_applicant_journey import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def page(response) -> str:
    """The page's text with entities resolved (Django escapes the apostrophes of variables)."""
    return html.unescape(response.content.decode())


PARCEL = "91216000AB0037"


@pytest.fixture
def zoned(cadastre_91216):
    CommuneFactory()
    call_command("draw_demo_constraints", "91216")
    zones = {z["typezone"] for z in check_parcels([PARCEL], "91216").zones}
    assert zones == {"N"}  # the demo's zoning, as the issue saw it


@pytest.fixture
def applicant(client, zoned):
    user = UserFactory(email="camille@example.org")
    client.force_login(user)
    return user


def test_the_questionnaire_shows_the_sites_facts_and_asks_only_the_rest(client, zoned):
    site = page(client.get("/demarches/", {"parcels": "AB 37", "etape": "terrain"}))
    assert "Ce que nous savons de votre terrain" in site
    assert "NAB (zone N)" in site
    assert "plan local d'urbanisme (PLU)" in site
    assert 'name="urban_zone"' not in site and 'name="protected_area"' not in site
    assert "Démarche conseillée" not in site  # the project's questions come next

    # The applicant ticks nothing about the zone: the data say N, so 30 m² is a permit.
    advice = page(client.get("/demarches/", {
        "parcels": "AB 37", "works": "extension", "floor_area_m2": "30",
        "total_after_m2": "110", "single_house": "on",
    }))  # fmt: skip
    assert "Démarche conseillée : Permis de construire pour une maison individuelle" in advice
    assert "zone N (NAB) du plan local d'urbanisme" in advice
    assert "R421-14 a" in advice

    # Without a parcel, the two site questions are asked.
    blind = page(client.get("/demarches/"))
    assert 'name="urban_zone"' in blind and 'name="protected_area"' in blind


def test_a_parcel_that_does_not_exist_is_said_in_french(client, zoned):
    shown = page(client.get("/demarches/", {"parcels": "AB 9999", "etape": "terrain"}))
    assert "AB 9999 : Parcelle introuvable au cadastre." in shown
    assert "Ce que nous savons de votre terrain" not in shown


def test_the_questionnaires_answers_start_the_draft(client, applicant):
    response = client.post("/demarches/commencer/", {
        "procedure": "PCMI", "parcels": "AB 37", "works": "extension",
        "floor_area_m2": "30", "total_after_m2": "110",
    })  # fmt: skip
    assert response.status_code == 302
    draft = Dossier.objects.get(depositor=applicant)
    assert (draft.works_nature, draft.floor_area_created_m2, draft.floor_area_existing_m2) == (
        "extension", 30, 80)  # fmt: skip
    assert [p.idu for p in draft.parcels.all()] == [PARCEL]
    assert draft.parcel_check["zones"][0]["typezone"] == "N"


def dp_in_zone_n(client, applicant) -> Dossier:
    """The issue's dossier: a DP for a 30 m² extension of a house on AB 37, with a piece."""
    assert client.post("/demarches/commencer/", {"procedure": "DP"}).status_code == 302
    draft = Dossier.objects.get(depositor=applicant)
    base = f"/dossiers/{draft.pk}/brouillon"
    assert client.post(f"{base}/demandeur/", {
        "kind": "person", "civility": "madame", "birth_name": "Martin", "given_names": "Camille",
        "address": "3 rue des Lilas", "postcode": "91360", "locality": "Épinay-sur-Orge",
        "country": "France", "email": "camille@example.org",
    }).status_code == 302  # fmt: skip
    assert client.post(f"{base}/terrain/", {
        "site_address": "Chemin des Prés", "site_postcode": "91360",
        "site_locality": "Épinay-sur-Orge", "parcels": "AB 37",
    }).status_code == 302  # fmt: skip
    assert client.post(f"{base}/projet/", {
        "works_nature": "extension", "description": "Extension de 30 m² de la maison.",
        "floor_area_existing_m2": "80", "floor_area_created_m2": "30",
        "q_creates_volume": "on", "q_changes_exterior": "on",
    }).status_code == 302  # fmt: skip
    for code in ("DP1", "DP2", "DP3", "DP4", "DP5"):
        piece = upload(f"{code}.pdf", pdf_bytes())
        response = client.post(f"{base}/pieces/", {"code": code, "file": piece})
        assert response.status_code == 302
    draft.refresh_from_db()
    return draft


def test_a_dp_whose_facts_call_for_a_permit_is_stopped_then_switched_keeping_everything(
    client, applicant
):
    draft = dp_in_zone_n(client, applicant)
    base = f"/dossiers/{draft.pk}/brouillon"

    # Stopped at the review, with the reason and its article; filing refused too.
    review = page(client.get(f"{base}/verifier/"))
    assert "Votre projet relève d'un permis de construire pour une maison individuelle" in review
    assert "R421-14 a" in review
    assert "Passer au permis de construire pour une maison individuelle" in review
    response = client.post(
        f"{base}/verifier/", {"certify": "on", "electronic_notification_consent": "off"}
    )
    assert response.status_code == 200
    with pytest.raises(FilingError, match="R421-14 a"):
        file_dossier(draft.pk)
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.number is None

    # One click: the draft becomes a PCMI; answers, site and pieces kept.
    before = Dossier.objects.values().get(pk=draft.pk)
    response = client.post(f"{base}/changer-de-demarche/", follow=True)
    shown = page(response)
    assert (
        "Votre demande est désormais : Permis de construire pour une maison individuelle" in shown
    )
    assert "PCMI1 (Plan de situation du terrain)" in shown  # the new pieces, listed as missing
    after = Dossier.objects.values().get(pk=draft.pk)
    assert (after["procedure"], after["cerfa"]) == ("PCMI", "13406*16")
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"procedure", "cerfa", "updated_at"}
    draft.refresh_from_db()
    assert {p.code for p in draft.pieces.all()} == {"DP1", "DP2", "DP3", "DP4", "DP5"}
    assert [p.idu for p in draft.parcels.all()] == [PARCEL]
    assert draft.applicants.get().birth_name == "Martin"

    # The pieces page lists the kept pieces beside the new procedure's; the review no longer
    # stops the procedure, and a second switch has nothing to do.
    pieces = page(client.get(f"{base}/pieces/"))
    assert "Pièces jointes sous votre démarche précédente" in pieces and "DP1.pdf" in pieces
    assert "PCMI1 – Plan de situation du terrain" in pieces
    review = page(client.get(f"{base}/verifier/"))
    assert "Passer au" not in review
    response = client.post(f"{base}/changer-de-demarche/", follow=True)
    assert "Ce brouillon n'a pas à changer de démarche." in page(response)


def test_a_dp_within_the_thresholds_is_not_stopped(client, applicant):
    draft = dp_in_zone_n(client, applicant)
    Dossier.objects.filter(pk=draft.pk).update(floor_area_created_m2=18)
    review = page(client.get(f"/dossiers/{draft.pk}/brouillon/verifier/"))
    assert "Passer au" not in review
    assert file_dossier(draft.pk).number


def test_only_the_drafts_own_depositor_may_switch_it(client, applicant):
    draft = dp_in_zone_n(client, applicant)
    client.force_login(UserFactory(email="other@example.org"))
    response = client.post(f"/dossiers/{draft.pk}/brouillon/changer-de-demarche/")
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.procedure == "DP"


def test_the_instruction_page_shows_a_filed_dp_whose_facts_call_for_a_permit(client, zoned):
    team = make_team()
    dossier = filed_dossier(team, "DP", on=date(2026, 3, 2))
    Dossier.objects.filter(pk=dossier.pk).update(
        works_nature="extension", floor_area_created_m2=30, floor_area_existing_m2=80,
        parcel_check=check_parcels([PARCEL], "91216").as_dict(),
    )  # fmt: skip
    client.force_login(team.officer)
    shown = page(client.get(f"/instruction/{dossier.pk}/"))
    assert "Procédure à vérifier : les faits du dossier appellent un permis de construire" in shown
    assert "R421-14 a" in shown


def test_the_architect_exemption_stops_above_150_m2_and_for_a_company(zoned):
    team = make_team()
    draft = DossierFactory(procedure="PCMI", commune=team.commune, works_nature="extension",
                           floor_area_existing_m2=120, floor_area_created_m2=45,
                           architect_exempt=True)  # fmt: skip
    ApplicantFactory(dossier=draft)
    with pytest.raises(FilingError, match=r"\(165 m²\) dépasse 150 m².*R431-2"):
        file_dossier(draft.pk)
    Dossier.objects.filter(pk=draft.pk).update(floor_area_existing_m2=60)
    draft.applicants.update(kind="company", company_name="SCI des Prés", siret="12345678900011")
    with pytest.raises(FilingError, match=r"personne morale.*R431-2"):
        file_dossier(draft.pk)
    draft.applicants.update(kind="person")
    assert file_dossier(draft.pk).number


def test_the_floor_area_table_counts_and_decides_pc_or_pcmi(zoned):
    from permits.journey.procedure_fit import mismatch

    draft = DossierFactory(procedure="DP", works_nature="new_building",
                           parcel_check=check_parcels([PARCEL], "91216").as_dict())  # fmt: skip
    assert mismatch(draft) is None  # no area stated
    FloorArea.objects.create(dossier=draft, sub_destination="Bureau", created_m2=25)
    found = mismatch(draft)
    assert (found.procedure, found.article) == ("PC", "R421-1")


def test_the_project_step_does_not_ask_what_the_servitudes_answer(client):
    user = UserFactory(email="camille@example.org")
    draft = DossierFactory(procedure="DP", depositor=user, parcel_check={
        "parcels": [{"found": True}], "procedure": {"flags": ["ABORDS_MH"]}})  # fmt: skip
    client.force_login(user)
    form = page(client.get(f"/dossiers/{draft.pk}/brouillon/projet/"))
    assert 'name="q_visible_or_protected"' not in form
    assert 'name="q_creates_volume"' in form
    assert "aux abords d'un monument historique" in form
    response = client.post(f"/dossiers/{draft.pk}/brouillon/projet/", {
        "works_nature": "exterior", "description": "Ravalement."})  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.piece_answers["visible_or_protected"] is True
    assert "DP8" in {p.code for p in catalogue.required_pieces("DP", draft.piece_answers)}


def test_a_certificate_advised_by_the_questionnaire_starts_without_works(client, applicant):
    response = client.post("/demarches/commencer/", {
        "procedure": "CUA", "parcels": "AB 37", "works": "information"})  # fmt: skip
    assert response.status_code == 302
    draft = Dossier.objects.get(depositor=applicant)
    assert (draft.procedure, draft.works_nature) == ("CUA", "")
    assert [p.idu for p in draft.parcels.all()] == [PARCEL]
