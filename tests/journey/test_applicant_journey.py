"""The applicant's journey through the server: draft, steps, pieces, filing, following.
(The same journey in a real browser is tests/e2e.)"""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import FederatedIdentity
from permits.models import Dossier, Piece
from tests.factories import CommuneFactory, UserFactory, make_team
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def applicant(client):
    CommuneFactory()
    user = UserFactory(email="camille@example.org", first_name="Camille")
    client.force_login(user)
    return user


def start(client, procedure="DP"):
    response = client.post("/demarches/commencer/", {"procedure": procedure})
    assert response.status_code == 302
    return Dossier.objects.latest("pk")


def fill(client, dossier, cadastre=True):
    base = f"/dossiers/{dossier.pk}/brouillon"
    r = client.post(
        f"{base}/demandeur/",
        {
            "kind": "person",
            "civility": "madame",
            "birth_name": "Martin",
            "given_names": "Camille",
            "address": "3 rue des Lilas",
            "postcode": "91360",
            "locality": "Épinay-sur-Orge",
            "country": "France",
            "email": "camille@example.org",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(
        f"{base}/terrain/",
        {
            "site_address": "3 rue des Lilas",
            "site_postcode": "91360",
            "site_locality": "Épinay-sur-Orge",
            "parcels": "AB 26",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.post(f"{base}/projet/", {"works_nature": "fence", "description": "Une clôture."})
    assert r.status_code == 302
    r = client.post(f"{base}/pieces/", {"code": "DP1", "file": upload("plan.pdf", pdf_bytes())})
    assert r.status_code == 302


def test_the_questionnaire_proposes_a_procedure_without_javascript(client):
    html = client.get(
        "/demarches/", {"works": "new_building", "floor_area_m2": "120", "single_house": "on"}
    ).content.decode()
    assert "Démarche conseillée : Permis de construire pour une maison individuelle" in html
    assert "cerfa n° 13406" in html


def test_starting_a_draft_needs_an_account(client):
    CommuneFactory()
    response = client.post("/demarches/commencer/", {"procedure": "DP"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not Dossier.objects.exists()


def test_the_applicant_block_is_prefilled_from_franceconnect_and_certified(client, applicant):
    FederatedIdentity.objects.create(
        user=applicant,
        provider="franceconnect",
        sub="abc",
        claims_received_at=timezone.now(),
        claims={
            "given_name": "Angela Claire Louise",
            "family_name": "DUBOIS",
            "preferred_username": "",
            "gender": "female",
            "birthdate": "1962-08-24",
            "birthplace": "75107",
            "birthcountry": "99100",
            "email": "a@example.org",
        },
    )
    draft = start(client)
    page = client.get(f"/dossiers/{draft.pk}/brouillon/demandeur/").content.decode()
    assert "Donnée certifiée par FranceConnect" in page
    assert 'value="DUBOIS"' in page
    # A posted change to a certified field is ignored (the field is disabled).
    client.post(
        f"/dossiers/{draft.pk}/brouillon/demandeur/",
        {
            "kind": "person",
            "birth_name": "FAUX",
            "given_names": "Autre",
            "address": "1 rue",
            "postcode": "91360",
            "locality": "Épinay",
            "email": "a@example.org",
        },
    )
    applicant_row = draft.applicants.get()
    assert applicant_row.birth_name == "DUBOIS"
    assert applicant_row.given_names == "Angela Claire Louise"
    assert applicant_row.birth_date == "1962-08-24"


def test_a_whole_declaration_is_drafted_checked_and_filed_once(
    client, applicant, cadastre_91216, django_capture_on_commit_callbacks
):
    draft = start(client, "DP")
    fill(client, draft)
    draft.refresh_from_db()
    assert draft.site_area_m2 and draft.parcels.get().idu == "91216000AB0026"
    assert draft.parcels.get().area_m2 == 12720  # the cadastre's contenance, not asked again
    review = client.get(f"/dossiers/{draft.pk}/brouillon/verifier/").content.decode()
    assert "Vérifiez votre demande" in review and "91216000AB0026" in review
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/dossiers/{draft.pk}/brouillon/verifier/",
            {"certify": "on", "electronic_notification_consent": "on"},
        )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.DEPOSITED and draft.electronic_notification_consent
    # A double click, a retried request: no second dossier, the same number.
    again = client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    assert again.status_code == 302 and again["Location"] == f"/dossiers/{draft.pk}/"
    assert Dossier.objects.count() == 1
    assert len(mail.outbox) == 1 and draft.display_number in mail.outbox[0].subject
    assert "tacite" in mail.outbox[0].body
    page = client.get(f"/dossiers/{draft.pk}/").content.decode()
    assert draft.display_number in page and "Pourquoi cette date" in page
    dashboard = client.get("/dossiers/").content.decode()
    assert draft.display_number in dashboard


def test_filing_is_refused_while_steps_are_missing(client, applicant):
    draft = start(client, "DP")
    r = client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    assert r.status_code == 200
    assert "Des étapes restent à compléter" in r.content.decode()
    assert Dossier.objects.get().state == State.DRAFT


def test_unknown_parcels_are_refused_with_suggestions(client, applicant, cadastre_91216):
    draft = start(client, "DP")
    r = client.post(
        f"/dossiers/{draft.pk}/brouillon/terrain/",
        {
            "site_address": "1 rue",
            "site_postcode": "91360",
            "site_locality": "Épinay",
            "parcels": "AB 9999",
        },
    )
    assert r.status_code == 200
    assert "AB 9999" in r.content.decode()
    assert not draft.parcels.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "ni un PDF"),
        ("page.pdf", b"<script>alert(1)</script>", "ni un PDF"),
        ("empty.pdf", b"", "vide"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_saved_is_lost(
    client, applicant, name, content, message
):
    draft = start(client, "DP")
    base = f"/dossiers/{draft.pk}/brouillon/pieces/"
    client.post(base, {"code": "DP1", "file": upload("plan.pdf", pdf_bytes())})
    r = client.post(base, {"code": "DP1", "file": upload(name, content)})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert list(Piece.objects.values_list("code", "version")) == [("DP1", 1)]


def test_oversized_and_too_long_pdfs_are_refused(client, applicant, settings):
    settings.PERMIS_PIECE_MAX_BYTES = 50_000
    settings.PERMIS_PIECE_MAX_PAGES = 100
    draft = start(client, "DP")
    base = f"/dossiers/{draft.pk}/brouillon/pieces/"
    r = client.post(base, {"code": "DP1", "file": upload("big.pdf", b"%PDF-1.7\n" + b"0" * 60_000)})
    assert "la limite est de" in r.content.decode()
    settings.PERMIS_PIECE_MAX_BYTES = 20_000_000
    r = client.post(base, {"code": "DP1", "file": upload("long.pdf", pdf_bytes(2000))})
    assert "2000 pages" in r.content.decode()
    assert not Piece.objects.exists()


def test_a_replacement_keeps_the_previous_version(client, applicant):
    draft = start(client, "DP")
    base = f"/dossiers/{draft.pk}/brouillon/pieces/"
    client.post(base, {"code": "DP1", "file": upload("v1.pdf", pdf_bytes(1))})
    client.post(
        base,
        {"code": "DP1", "file": upload("v2.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")},
    )
    versions = list(Piece.objects.order_by("version").values_list("version", "content_type"))
    assert versions == [(1, "application/pdf"), (2, "image/png")]


def test_script_in_a_field_is_stored_as_text_and_escaped(client, applicant):
    draft = start(client, "DP")
    client.post(
        f"/dossiers/{draft.pk}/brouillon/projet/",
        {"works_nature": "fence", "description": "<script>alert('x')</script>"},
    )
    page = client.get(f"/dossiers/{draft.pk}/brouillon/verifier/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_another_person_cannot_open_a_draft(client, applicant):
    draft = start(client, "DP")
    client.force_login(UserFactory())
    for step in ("", "demandeur/", "terrain/", "projet/", "pieces/", "verifier/"):
        assert client.get(f"/dossiers/{draft.pk}/brouillon/{step}").status_code == 404


def test_missing_pieces_are_uploaded_then_sent_and_the_clock_starts(client, cadastre_91216):
    team = make_team()
    client.force_login(team.applicant)
    team.applicant.email = "camille@example.org"
    team.applicant.save()
    draft = start(client, "DP")
    fill(client, draft)
    client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    dossier = Dossier.objects.get(pk=draft.pk)
    fire(dossier, "request_pieces", actor=team.officer, pieces=["DP2"], on=timezone.localdate())
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Fournir les pièces demandées" in page
    client.post(
        f"/dossiers/{dossier.pk}/pieces/", {"code": "DP2", "file": upload("p.pdf", pdf_bytes())}
    )
    r = client.post(f"/dossiers/{dossier.pk}/pieces/", {"send": "1"})
    assert r.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.UNDER_INSTRUCTION
    assert dossier.pieces_received_on == date.today() or dossier.pieces_received_on
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds == ["submit", "request_pieces", "piece_received", "receive_pieces"]


def test_messages_between_applicant_and_officer(client, cadastre_91216):
    team = make_team()
    client.force_login(team.applicant)
    draft = start(client, "DP")
    fill(client, draft)
    client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    client.post(f"/dossiers/{draft.pk}/message/", {"body": "Bonjour, une question."})
    client.force_login(team.officer)
    client.post(f"/dossiers/{draft.pk}/message/", {"body": "Bonjour, voici la réponse."})
    client.force_login(team.applicant)
    page = client.get(f"/dossiers/{draft.pk}/").content.decode()
    assert "une question" in page and "voici la réponse" in page
    # Each message under its author's name (User.get_full_name), in the order sent.
    asked = page.index('<p class="meta">Camille Martin, le ')
    assert asked < page.index('<p class="meta">Nora Benali, le ') < page.index("voici la réponse")
    team.officer.first_name = team.officer.last_name = ""
    team.officer.save()
    page = client.get(f"/dossiers/{draft.pk}/").content.decode()
    assert f'<p class="meta">{team.officer.username}, le ' in page  # no name: the username
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.post(f"/dossiers/{draft.pk}/message/", {"body": "x"}).status_code == 404


def test_the_applicant_withdraws_from_the_dossier_page(client, cadastre_91216):
    team = make_team()
    client.force_login(team.applicant)
    draft = start(client, "DP")
    fill(client, draft)
    client.post(
        f"/dossiers/{draft.pk}/brouillon/verifier/",
        {"certify": "on", "electronic_notification_consent": "off"},
    )
    r = client.post(f"/dossiers/{draft.pk}/acte/withdraw/", {"state": "deposited"})
    assert r.status_code == 302
    assert Dossier.objects.get(pk=draft.pk).state == State.WITHDRAWN


def test_a_permit_needs_an_architect_or_the_exemption(client, applicant):
    draft = start(client, "PCMI")
    url = f"/dossiers/{draft.pk}/brouillon/projet/"
    r = client.post(url, {"works_nature": "new_building", "description": "Maison"})
    assert r.status_code == 200 and "R431-2" in r.content.decode()
    r = client.post(url, {"works_nature": "new_building", "description": "Maison",
                          "architect_exempt": "on"})  # fmt: skip
    assert r.status_code == 302


def test_co_applicants_are_added_and_listed(client, applicant):
    draft = start(client, "DP")
    base = f"/dossiers/{draft.pk}/brouillon/demandeur/"
    person = {"kind": "person", "birth_name": "Martin", "given_names": "Camille",
              "address": "3 rue des Lilas", "postcode": "91360", "locality": "Épinay",
              "email": "camille@example.org"}  # fmt: skip
    client.post(base, person)
    client.post(f"{base}?demandeur=2", person | {"birth_name": "Durand", "given_names": "Alex"})
    assert list(draft.applicants.values_list("rank", "birth_name")) == [(1, "Martin"),
                                                                       (2, "Durand")]  # fmt: skip
    assert client.get(f"{base}?demandeur=5").status_code == 404
    review = client.get(f"/dossiers/{draft.pk}/brouillon/verifier/").content.decode()
    assert "Camille Martin" in review and "Alex Durand" in review


AREA_FIELDS = (
    "existing_m2",
    "created_m2",
    "created_by_change_m2",
    "removed_m2",
    "removed_by_change_m2",
)


def project_post(extra=None):
    data = {f"surfaces-0-{name}": "0" for name in AREA_FIELDS}
    data |= {
        "works_nature": "new_building",
        "description": "Maison",
        "architect_exempt": "on",
        "surfaces-TOTAL_FORMS": "1",
        "surfaces-INITIAL_FORMS": "0",
        "surfaces-MIN_NUM_FORMS": "0",
        "surfaces-MAX_NUM_FORMS": "23",
    }
    return data | (extra or {})


def test_the_floor_area_table_by_sub_destination(client, applicant):
    draft = start(client, "PCMI")
    url = f"/dossiers/{draft.pk}/brouillon/projet/"
    r = client.post(url, project_post({"surfaces-0-sub_destination": "Logement",
                                       "surfaces-0-existing_m2": "20",
                                       "surfaces-0-created_m2": "120",
                                       "surfaces-0-removed_m2": "5"}))  # fmt: skip
    assert r.status_code == 302
    area = draft.floor_areas.get()
    assert (area.sub_destination, area.total_m2) == ("Logement", 135)
    r = client.post(url, project_post({"surfaces-0-sub_destination": "Bureau",
                                       "surfaces-0-removed_m2": "50"}))  # fmt: skip
    assert r.status_code == 200 and "ne peut dépasser" in r.content.decode()


def test_the_cerfa_s_site_and_project_fields_are_recorded(client, applicant, cadastre_91216):
    draft = start(client, "PCMI")
    client.post(
        f"/dossiers/{draft.pk}/brouillon/terrain/",
        {
            "site_address": "1 rue",
            "site_postcode": "91360",
            "site_locality": "Épinay",
            "parcels": "AB 26",
            "in_lotissement": "on",
            "existing_cu_number": "CU0912162500012",
        },
    )
    r = client.post(
        f"/dossiers/{draft.pk}/brouillon/projet/",
        project_post(
            {
                "surfaces-TOTAL_FORMS": "0",
                "dwellings_created": "3",
                "dwellings_individual": "1",
                "dwellings_collective": "1",
                "parking_spaces_created": "2",
                "height_cm": "850",
            }
        ),
    )
    assert r.status_code == 200 and "Le total doit être égal" in r.content.decode()
    r = client.post(
        f"/dossiers/{draft.pk}/brouillon/projet/",
        project_post(
            {
                "surfaces-TOTAL_FORMS": "0",
                "dwellings_created": "2",
                "dwellings_individual": "1",
                "dwellings_collective": "1",
                "parking_spaces_created": "2",
                "height_cm": "850",
            }
        ),
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.in_lotissement and draft.existing_cu_number == "CU0912162500012"
    assert (draft.parking_spaces_created, draft.height_cm) == (2, 850)
