"""After the decision (issue 8, point 5): retrait after the contradictory step (L424-5, CRPA
L121-1/L122-1), the conformity contest and its formal notice (R462-6, R462-9), the attestation
of non-contestation (R462-10), the lapse for interrupted works (R424-17). Documents are signed
for real and checked by pyHanko and poppler."""

import html
import time as pytime
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts import reauth
from permits.decisions import conf
from permits.decisions.content import (
    ContentError,
    conformity_notice_content,
    retrait_content,
    retrait_notice_content,
)
from permits.decisions.issuing import read_file, sign_pending
from permits.decisions.verification import check_pdf
from permits.models import Dossier, Message
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.conftest import DP_FACTS, FACTS, MAYOR, assert_pdfsig_valid, run, write_key
from tests.factories import CommuneFactory, filed_dossier, make_team
from workflow.clock import add_months
from workflow.errors import NotAllowed
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(pki_dir, ca, documents_root):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    return team


def executory(team, signed_days_ago=0) -> Dossier:
    """A PCMI filed 10 days before its grant, signed, notified and transmitted that day."""
    day = timezone.localdate() - timedelta(days=signed_days_ago)
    d = fire(filed_dossier(team, on=day - timedelta(days=10)), "declare_complete",
             actor=team.officer)  # fmt: skip
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    at = datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/Paris"))
    d = fire(d, "sign", actor=team.mayor, at=at)
    d = fire(d, "notify_decision", actor=team.officer, on=day)
    d = fire(d, "record_prefet_ack", actor=team.officer, on=day)
    assert d.state == State.EXECUTORY
    return d


def works_completed(team, daact_on) -> Dossier:
    d = executory(team, signed_days_ago=(timezone.localdate() - daact_on).days + 30)
    d = fire(d, "open_works", actor=team.applicant, on=daact_on)
    return fire(d, "complete_works", actor=team.applicant, on=daact_on)


@pytest.fixture
def act(client, team, django_capture_on_commit_callbacks):
    """The officer's act through the instruction page's form; returns the page shown after it.
    The e-mails leave after the commit (permits.notify): their callbacks are run."""

    def post(dossier, name, **data) -> str:
        client.force_login(team.officer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/instruction/{dossier.pk}/apres-decision/{name}/",
                {"state": dossier.state, **data},
                follow=True,
            )
        return text(response)

    return post


@pytest.fixture
def pronounce(client, team, django_capture_on_commit_callbacks):
    """The mayor pronounces the retrait from the parapheur, just re-authenticated (L424-5: the
    authority that granted the permit withdraws it); returns the page shown after it."""

    def post(dossier, fresh=True, **data) -> str:
        client.force_login(team.mayor)
        if fresh:
            session = client.session
            session[reauth.SESSION_KEY] = int(pytime.time())
            session.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/parapheur/{dossier.pk}/retrait/",
                {"state": dossier.state, **data},
                follow=True,
            )
        return text(response)

    return post


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_pdf(dossier, kind) -> tuple[IssuedDocument, str]:
    """Runs the signing job as the worker would; checks the signature; returns the text."""
    document = IssuedDocument.objects.get(dossier=dossier, kind=kind)
    assert document.status == DocumentStatus.PENDING
    document = sign_pending(document.pk)
    report = check_pdf(read_file(document))  # pyHanko
    assert report.valid, report.problems
    assert report.details["coverage"] == "ENTIRE_FILE"
    file = conf.documents_root() / document.storage_path
    assert_pdfsig_valid(file)  # poppler
    return document, " ".join(run("pdftotext", str(file), "-").split())


def test_the_instruction_page_shows_the_retrait_window_and_its_end(client, team, act):
    d = executory(team)
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    end = add_months(timezone.localdate(), 3)
    assert "Engager une procédure de retrait" in page
    assert f"{end.day} " in page and str(end.year) in page
    assert "Prononcer le retrait" not in page  # not before the contradictory letter


def test_engaging_a_retrait_sends_the_signed_contradictory_letter(client, team, act):
    d = executory(team)
    today = timezone.localdate()
    reply_until = today + timedelta(days=14)
    page = act(d, "engager-retrait",
                   grounds="La hauteur excède celle fixée par l'article UH 10.\n"
                           "L'emprise au sol dépasse 40 %.")  # fmt: skip
    assert "Procédure de retrait engagée" in page
    d.refresh_from_db()
    assert d.state == State.EXECUTORY and d.retrait_letter_on == today
    event = Event.objects.filter(dossier=d, kind="announce_retrait").get()
    assert event.payload["grounds"][1] == "L'emprise au sol dépasse 40 %."
    assert event.actor_label == team.officer.get_full_name()
    document, pdf_text = signed_pdf(d, DocumentKind.RETRAIT_NOTICE)
    assert "Lettre préalable au retrait" in pdf_text
    assert "L'emprise au sol dépasse 40 %." in pdf_text
    assert "L121-1 et L122-1" in pdf_text and "L424-5" in pdf_text
    assert f"{reply_until.day}" in pdf_text and "inclus" in pdf_text
    assert mail.outbox and reply_until.strftime("%d/%m/%Y") in mail.outbox[-1].body
    # The holder sees the letter and the reply period on the dossier page.
    client.force_login(team.applicant)
    page = text(client.get(f"/dossiers/{d.pk}/"))
    assert "envisage de retirer votre autorisation" in page
    assert f"/documents/{document.pk}/" in page
    # A second procedure is refused (one letter, one reply period).
    assert "déjà engagée" in act(d, "engager-retrait", grounds="Autre motif")


def test_the_retrait_is_refused_before_the_reply_period_ends(client, team, act, pronounce):
    d = executory(team)
    act(d, "engager-retrait", grounds="Hauteur excessive")
    d.refresh_from_db()
    page = pronounce(d, reason="Hauteur excessive")
    assert "procédure contradictoire préalable" in page
    d.refresh_from_db()
    assert d.state == State.EXECUTORY
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.RETRAIT).exists()


def test_a_retrait_without_the_contradictory_step_is_refused(client, team, act, pronounce):
    d = executory(team)
    # Not offered, and refused if posted: no letter, no retrait (CRPA L121-1, L122-1).
    client.force_login(team.mayor)
    assert "Retraits à prononcer" not in text(client.get("/parapheur/"))
    assert client.post(f"/parapheur/{d.pk}/retrait/", {"reason": "x"}).status_code == 404
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY
    # Nor may the officer pronounce it: the retrait is the authority's decision (L424-5).
    act(d, "prononcer-retrait", reason="Hauteur excessive")
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY


def test_the_officer_cannot_fire_the_retrait_itself(team):
    d = executory(team)
    with pytest.raises(NotAllowed):
        fire(d, "retract", actor=team.officer, reason="Hauteur excessive")


def test_after_the_reply_period_the_arrete_de_retrait_is_issued_and_signed(
    client, team, act, pronounce
):
    d = executory(team)
    act(d, "engager-retrait", grounds="Hauteur excessive")
    letter_on = timezone.localdate() - timedelta(days=15)
    Dossier.objects.filter(pk=d.pk).update(retrait_letter_on=letter_on)
    Message.objects.create(dossier=d, author=team.applicant, from_applicant=True,
                           body="La hauteur est mesurée depuis le terrain naturel.")  # fmt: skip
    d.refresh_from_db()
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    assert "prononcé par le signataire" in page and "Prononcer le retrait" not in page
    client.force_login(team.mayor)
    page = text(client.get("/parapheur/"))
    assert "Retraits à prononcer" in page and "Hauteur excessive</textarea>" in page
    pronounce(d, fresh=False, reason="Hauteur excessive")  # sent to re-authenticate first
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY
    page = pronounce(d, reason="Hauteur excessive")
    assert "Retrait prononcé" in page
    d.refresh_from_db()
    assert d.state == State.RETRACTED and d.closing_reason == "Hauteur excessive"
    _document, pdf_text = signed_pdf(d, DocumentKind.RETRAIT)
    assert "Arrêté portant retrait d'un permis de construire" in pdf_text
    assert "Vu les observations présentées par le titulaire" in pdf_text
    assert "Hauteur excessive" in pdf_text and "ARRÊTE" in pdf_text
    assert f"Vu la lettre du {letter_on.day}" in pdf_text
    assert "Retrait de votre autorisation" in mail.outbox[-1].subject


def test_no_retrait_once_the_three_months_have_passed(client, team, act):
    d = executory(team, signed_days_ago=100)
    page = act(d, "engager-retrait", grounds="Hauteur excessive")
    assert "Le retrait n'est possible que jusqu'au" in page and "L424-5" in page
    d.refresh_from_db()
    assert d.retrait_letter_on is None
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.RETRAIT_NOTICE).exists()


def test_a_retrait_needs_its_grounds(client, team, act):
    d = executory(team)
    page = act(d, "engager-retrait", grounds="  ")
    assert "Indiquez les motifs d'illégalité" in page
    assert Dossier.objects.get(pk=d.pk).retrait_letter_on is None


def test_contesting_conformity_serves_the_signed_formal_notice(client, team, act):
    d = works_completed(team, timezone.localdate() - timedelta(days=10))
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    assert "Contester la conformité" in page and "peut être contestée jusqu'au" in page
    page = act(d, "contester-conformite",
               non_conformities="Toiture en tuiles noires au lieu de rouges\n"
                                "Clôture de 2,20 m au lieu de 1,80 m")  # fmt: skip
    assert "Conformité contestée" in page
    d.refresh_from_db()
    assert d.state == State.NON_CONFORM
    _document, pdf_text = signed_pdf(d, DocumentKind.CONFORMITY_NOTICE)
    assert "Clôture de 2,20 m au lieu de 1,80 m" in pdf_text
    assert "R462-9" in pdf_text and "modificatif" in pdf_text
    assert "Conformité des travaux contestée" in mail.outbox[-1].subject


def test_conformity_cannot_be_contested_after_the_window(client, team, act):
    d = works_completed(team, timezone.localdate() - timedelta(days=120))
    page = act(d, "contester-conformite", non_conformities="Toiture")
    assert "ne peut plus être contestée" in page
    assert Dossier.objects.get(pk=d.pk).state == State.WORKS_COMPLETED


def test_the_holder_obtains_the_attestation_of_non_contestation(client, team, act):
    d = works_completed(team, timezone.localdate() - timedelta(days=120))
    d = fire(d, "close_conformity_window", actor=None, today=timezone.localdate())
    assert d.state == State.CONFORM
    client.force_login(team.applicant)
    page = text(client.get(f"/dossiers/{d.pk}/"))
    assert "Demander l'attestation de non-contestation" in page
    client.post(f"/dossiers/{d.pk}/attestation-conformite/")
    client.post(f"/dossiers/{d.pk}/attestation-conformite/")  # twice: one attestation
    assert IssuedDocument.objects.filter(dossier=d).filter(
        kind=DocumentKind.CONFORMITY_ATTESTATION).count() == 1  # fmt: skip
    assert "en cours de signature" in text(client.get(f"/dossiers/{d.pk}/"))
    document, pdf_text = signed_pdf(d, DocumentKind.CONFORMITY_ATTESTATION)
    assert "Attestation de non-contestation" in pdf_text and "R462-10" in pdf_text
    response = client.get(f"/dossiers/{d.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    assert document.reference in page and f"/documents/{document.pk}/" in page


def test_the_attestation_is_refused_before_conformity_and_to_others(client, team, act):
    d = works_completed(team, timezone.localdate() - timedelta(days=10))
    client.force_login(team.applicant)
    page = text(client.post(f"/dossiers/{d.pk}/attestation-conformite/", follow=True))
    assert "R462-10" in page
    assert not IssuedDocument.objects.filter(
        dossier=d, kind=DocumentKind.CONFORMITY_ATTESTATION).exists()  # fmt: skip
    client.force_login(team.officer)  # not the holder
    assert client.post(f"/dossiers/{d.pk}/attestation-conformite/").status_code == 404


def test_the_officer_finds_works_interrupted_and_the_permit_lapses(client, team, act):
    d = fire(executory(team), "open_works", actor=team.applicant, on=timezone.localdate())
    page = act(d, "interruption", reason="")
    assert "Indiquez la période d'interruption" in page
    reason = "Aucune activité du 1er mars 2025 au 1er avril 2026"
    page = act(d, "interruption", reason=reason)
    assert "Péremption constatée" in page
    assert Dossier.objects.get(pk=d.pk).state == State.LAPSED


def test_an_officer_of_another_service_cannot_act(client, team, act):
    d = executory(team)
    other = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    client.force_login(other.officer)
    response = client.post(f"/instruction/{d.pk}/apres-decision/engager-retrait/",
                           {"grounds": "x", "state": d.state})  # fmt: skip
    assert response.status_code == 404
    assert Dossier.objects.get(pk=d.pk).retrait_letter_on is None


# --- the content builders alone (no database) -------------------------------------------------


def test_the_retrait_documents_refuse_without_grounds():
    """The three months are the machine's guard (tests/officer/test_guards_in_the_machine.py)."""
    common = {"decision_date": date(2026, 5, 4), "retrait_deadline": date(2026, 8, 4),
              "reference": "X"}  # fmt: skip
    with pytest.raises(ContentError, match="motifs d'illégalité"):
        retrait_notice_content(FACTS, MAYOR, (" ",), reply_until=date(2026, 6, 15),
                               issued_on=date(2026, 6, 1), **common)  # fmt: skip
    with pytest.raises(ContentError, match="motif d'illégalité"):
        retrait_content(FACTS, MAYOR, " ", letter_on=date(2026, 6, 1),
                        observations_received=False, issued_on=date(2026, 6, 20),
                        **common)  # fmt: skip


def test_a_declaration_s_retrait_withdraws_the_non_opposition():
    content = retrait_content(DP_FACTS, MAYOR, "Hauteur", decision_date=date(2026, 5, 4),
                              tacit=True, retrait_deadline=date(2026, 8, 4),
                              letter_on=date(2026, 6, 1), observations_received=False,
                              reference="X", issued_on=date(2026, 6, 20))  # fmt: skip
    assert content.title.startswith("Arrêté portant retrait d'une décision de non-opposition")
    assert (
        content.articles[0]
        .paragraphs[0]
        .startswith("La décision de non-opposition tacitement née le 4 mai 2026")
    )
    assert content.articles[0].paragraphs[0].endswith("est retirée.")
    assert any("n'a pas présenté d'observations" in c for c in content.considerants)


def test_the_formal_notice_lists_every_non_conformity_within_the_window():
    args = {"daact_received": date(2027, 1, 10), "contest_deadline": date(2027, 4, 10),
            "reference": "X"}  # fmt: skip
    content = conformity_notice_content(FACTS, MAYOR, ("Toiture", "Clôture"),
                                        issued_on=date(2027, 3, 1), **args)  # fmt: skip
    assert "– Toiture" in content.body and "– Clôture" in content.body
    # The window is the machine's guard: test_conformity_cannot_be_contested_after_the_window.
