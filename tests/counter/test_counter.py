"""The counter (issue 23): the receipt date rules, registration at that date with its sealed
récépissé and claim code, one scan split into pieces, the claim, and who may use the counter."""

import logging
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from cadastre.check import check_parcels
from permits import counter
from permits.decisions.issuing import sign_pending
from permits.filing import FilingError
from permits.models import Channel, CounterFiling, Dossier, DossierParcel, Piece
from permits.models.documents import DocumentKind, IssuedDocument
from permits.pieces.validation import PieceRefused
from tests.counter.conftest import a_parcel_idu, scan_pdf
from tests.decisions.conftest import assert_pdfsig_valid
from tests.factories import ApplicantFactory, CommuneFactory, UserFactory
from workflow.clock import format_fr
from workflow.clock.months import add_months
from workflow.models import Event
from workflow.states import State

pytestmark = pytest.mark.django_db
CLAIM = "/dossiers/suivre-un-depot-en-mairie/"


def open_paper(team, days_ago=3, reason="", procedure="PCMI"):
    return counter.open_registration(
        agent=team.guichet, commune=team.commune, procedure=procedure, channel=Channel.PAPER,
        received_on=timezone.localdate() - timedelta(days=days_ago), late_reason=reason,
    )  # fmt: skip


def with_site(draft, idu):
    check = check_parcels([idu], "91216")
    Dossier.objects.filter(pk=draft.pk).update(parcel_check=check.as_dict())
    DossierParcel.objects.create(dossier=draft, idu=idu)
    ApplicantFactory(dossier=draft, email="")


# --- the receipt date ------------------------------------------------------------------------


def test_a_receipt_date_in_the_future_is_refused_and_nothing_is_created(counter_team, client):
    client.force_login(counter_team.guichet)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post("/guichet/", {
        "commune": counter_team.commune.pk, "procedure": "PCMI", "channel": "paper",
        "received_on": tomorrow.isoformat()})  # fmt: skip
    assert response.status_code == 200
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert not Dossier.objects.exists() and not CounterFiling.objects.exists()


def test_a_date_more_than_five_days_old_asks_a_reason_which_is_logged(counter_team, caplog):
    with pytest.raises(ValueError, match="motif"):
        open_paper(counter_team, days_ago=6)
    assert not Dossier.objects.exists()
    open_paper(counter_team, days_ago=5)  # five days: no reason needed
    with caplog.at_level(logging.WARNING, logger="permits.counter"):
        draft = open_paper(counter_team, days_ago=9, reason="Pli resté au courrier du service.")
    assert "late counter registration" in caplog.text
    assert draft.counter_filing.late_reason == "Pli resté au courrier du service."


# --- registration, récépissé, clock ------------------------------------------------------------


def test_registration_files_at_the_receipt_date_with_a_sealed_receipt_and_claim_code(
    counter_team, cadastre_91216, pki_dir, documents_root, tmp_path, client
):
    draft = open_paper(counter_team, days_ago=3)
    received = timezone.localdate() - timedelta(days=3)
    with pytest.raises(FilingError, match="parcelles"):
        counter.register(draft.pk, counter_team.guichet)
    with_site(draft, a_parcel_idu())
    client.force_login(counter_team.guichet)  # the parcel check, as the journey shows it
    assert "Vérification des parcelles" in client.get(f"/guichet/{draft.pk}/").content.decode()
    filed, code = counter.register(draft.pk, counter_team.guichet)
    assert filed.state == State.DEPOSITED and filed.channel == Channel.PAPER
    assert filed.filed_on == received  # R423-3: never the typing date
    assert filed.number.startswith(f"PC091216{received:%y}")
    completeness = next(d for d in filed.deadlines() if d.name == "completeness_deadline")
    assert completeness.date == add_months(received, 1)  # R423-38: from the receipt
    tacit = next(d for d in filed.deadlines() if d.name == "tacit_decision")
    event = Event.objects.get(dossier=filed, kind="counter_registered")
    assert event.payload["received_on"] == received.isoformat()
    assert event.payload["registered_on"] == timezone.localdate().isoformat()
    # The récépissé: sealed by the commune like every letter of an act, with the claim code.
    receipt = IssuedDocument.objects.get(dossier=filed, kind=DocumentKind.RECEPISSE)
    assert receipt.content.get("seal")
    sign_pending(receipt.pk)
    receipt.refresh_from_db()
    from permits.decisions.issuing import read_file

    path = tmp_path / "recepisse.pdf"
    path.write_bytes(read_file(receipt))
    assert_pdfsig_valid(path)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())  # fmt: skip
    assert filed.display_number in text
    assert f"reçue le {format_fr(received)}" in text
    assert format_fr(tacit.date) in text
    assert code in text
    # Only the digest is stored with the dossier.
    assert code not in CounterFiling.objects.get(dossier=filed).claim_digest


def test_an_e_mail_address_gets_the_receipt_by_mail(
    counter_team, cadastre_91216, mailoutbox, django_capture_on_commit_callbacks
):
    draft = open_paper(counter_team, days_ago=0)
    with_site(draft, a_parcel_idu())
    draft.applicants.update(email="camille.martin@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        filed, code = counter.register(draft.pk, counter_team.guichet)
    assert [m.to for m in mailoutbox] == [["camille.martin@example.org"]]
    assert code in mailoutbox[0].body and filed.display_number in mailoutbox[0].subject


# --- one scan split into pieces ------------------------------------------------------------------


def test_one_scan_is_split_into_pieces_by_page_ranges(counter_team):
    draft = open_paper(counter_team)
    pieces = counter.split_scan(
        draft, scan_pdf(5), "PCMI1 : 1\npcmi2: 2-3\n\nPCMI3 : 4-5", counter_team.guichet
    )
    assert [(p.code, p.pages) for p in pieces] == [("PCMI1", 1), ("PCMI2", 2), ("PCMI3", 2)]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ("PCMI1 : 1\nPCMI2 : 5-6", "comprises entre 1 et 5"),
        ("PCMI1 : 1\nPC99 : 2", "PC99 n'est pas une pièce"),
        ("PCMI1 pages un à deux", "Ligne 1"),
        ("PCMI1 : 3-2", "la première avant la dernière"),
    ],
)
def test_a_wrong_range_stores_no_piece(counter_team, ranges, message):
    draft = open_paper(counter_team)
    with pytest.raises(PieceRefused, match=message):
        counter.split_scan(draft, scan_pdf(5), ranges, counter_team.guichet)
    assert not Piece.objects.exists()


def test_a_scan_that_is_not_a_pdf_is_refused(counter_team):
    draft = open_paper(counter_team)
    scan = scan_pdf(1)
    scan.file.seek(0)
    scan.file.write(b"GIF89a not a pdf")
    scan.file.seek(0)
    with pytest.raises(PieceRefused):
        counter.split_scan(draft, scan, "PCMI1 : 1", counter_team.guichet)
    assert not Piece.objects.exists()


# --- the claim ------------------------------------------------------------------------------------


@pytest.fixture
def registered(counter_team, cadastre_91216):
    draft = open_paper(counter_team)
    with_site(draft, a_parcel_idu())
    return counter.register(draft.pk, counter_team.guichet)


def test_the_applicant_claims_with_the_code_and_consents(registered, client):
    filed, code = registered
    applicant = UserFactory()
    client.force_login(applicant)
    typed = code.lower().replace("-", " ")  # as read from the paper
    response = client.post(CLAIM, {"code": typed, "electronic_notification_consent": "on"})
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{filed.pk}/"
    filed.refresh_from_db()
    assert filed.depositor == applicant and filed.electronic_notification_consent
    assert client.get(f"/dossiers/{filed.pk}/").status_code == 200
    assert Event.objects.filter(dossier=filed, kind="claimed_online").exists()


def test_a_wrong_reused_or_foreign_claim_code_is_refused(registered, client):
    filed, code = registered
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    wrong = client.post(CLAIM, {"code": "ABCD-EFGH-JKMN"})
    assert "ne correspond à aucun dossier" in wrong.content.decode()
    counter.claim(code, first, electronic_notification_consent=False)
    again = client.post(CLAIM, {"code": code})
    assert "Vous suivez déjà ce dossier" in again.content.decode()
    client.force_login(second)
    foreign = client.post(CLAIM, {"code": code})
    assert "déjà été utilisé" in foreign.content.decode()
    filed.refresh_from_db()
    assert filed.depositor == first
    assert client.get(f"/dossiers/{filed.pk}/").status_code == 404


# --- who may use the counter --------------------------------------------------------------------


def test_the_counter_is_for_agents_of_the_dossiers_commune(counter_team, client):
    draft = open_paper(counter_team)
    client.force_login(counter_team.applicant)
    assert client.get("/guichet/").status_code == 403
    elsewhere = UserFactory()
    other = CommuneFactory(insee_code="91000", name="Autre")
    Membership.objects.create(user=elsewhere, role=Role.GUICHET, commune=other)
    client.force_login(elsewhere)
    assert client.get(f"/guichet/{draft.pk}/").status_code == 404
    assert client.post(f"/guichet/{draft.pk}/enregistrer/").status_code == 404
    client.force_login(counter_team.officer)  # the service instructing for the commune
    assert client.get(f"/guichet/{draft.pk}/").status_code == 200
    client.force_login(counter_team.guichet)
    page = client.get(f"/guichet/{draft.pk}/").content.decode()
    assert "Découper une numérisation" in page


# --- the daily register ---------------------------------------------------------------------------


def test_the_daily_register_lists_the_filings_of_the_day_by_receipt_date(registered, client):
    from types import SimpleNamespace

    from tests.factories import filed_dossier

    def team_of(commune):  # an applicant filing online in `commune`
        return SimpleNamespace(commune=commune, applicant=UserFactory())

    filed, _ = registered  # received three days ago, registered today
    team_commune = filed.commune
    received = filed.filed_on
    same_day_online = filed_dossier(team_of(team_commune), "DP", on=received)
    other_day = filed_dossier(
        team_of(team_commune), "DP",
        on=received - timedelta(days=1),
    )  # fmt: skip
    elsewhere = CommuneFactory(insee_code="91000", name="Autre")
    foreign = filed_dossier(team_of(elsewhere), "DP", on=received)
    guichet = CounterFiling.objects.get(dossier=filed).registered_by
    client.force_login(guichet)
    page = client.get(f"/guichet/registre/?jour={received.isoformat()}").content.decode()
    assert filed.display_number in page and same_day_online.display_number in page
    assert other_day.display_number not in page and foreign.display_number not in page
    # In the order of filing: the online one at 10:00, the counter's at noon.
    assert page.index(same_day_online.display_number) < page.index(filed.display_number)
    assert "Papier, déposé en mairie" in page and "2 dossiers déposés" in page
    today = client.get("/guichet/registre/").content.decode()
    assert filed.display_number not in today  # typed today, filed on its receipt date
    client.force_login(UserFactory())
    assert client.get("/guichet/registre/").status_code == 403


def test_claim_codes_cannot_be_tried_in_bulk(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PERMIS_RATE_LIMITS_ENABLED = True
    settings.PERMIS_RATE_LIMITS = {"claim": "2/h"}
    client.force_login(UserFactory())
    for _ in range(2):
        assert client.post(CLAIM, {"code": "ABCD-EFGH-JKMN"}).status_code == 200
    refused = client.post(CLAIM, {"code": "ABCD-EFGH-JKMP"})
    assert refused.status_code == 429 and "Trop de demandes" in refused.content.decode()
    assert client.get(CLAIM).status_code == 200  # reading the page is not counted
