"""Deadline against signature (issue 16 §6): the parapheur warns before the délai's last day;
after it, nothing is signed as if no tacit decision existed; a queued signing job that meets
this state stops once, visibly (an event, an e-mail), and is never retried."""

import time as pytime
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts.reauth import SESSION_KEY
from permits.decisions.issuing import issue_decision, sign_pending
from permits.decisions.tasks import sign_document_job
from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from tests.decisions.conftest import write_key
from tests.factories import CommuneFactory, filed_dossier, make_team
from workflow import schedule, timers
from workflow.clock import add_months, format_fr
from workflow.errors import TransitionRefused
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def team(pki_dir, ca, documents_root):
    team = make_team()
    write_key(pki_dir, ca, team.mayor.username, "Jean", "Durand", "Maire")
    return team


def awaiting(team, filed_on, outcome="grant", flags=()):
    """A PCMI (2 months, R423-23 b) complete at filing, its decision in the parapheur."""
    d = fire(filed_dossier(team, on=filed_on), "declare_complete", actor=team.officer)
    if flags:
        d = fire(d, "qualify", actor=team.officer, flags=list(flags))
    grounds = ["que le projet méconnaît l'article UH 10"] if outcome == "refusal" else []
    d = fire(d, "propose_decision", actor=team.officer, outcome=outcome, grounds=grounds)
    Dossier.objects.filter(pk=d.pk).update(assignee=team.officer)
    return fire(d, "send_for_signature", actor=team.officer)


def at(day):
    return datetime.combine(day, time(10), tzinfo=PARIS)


def let_the_delai_run_out(dossier, today):
    """Time passes: the filing moves back so that the délai ended yesterday."""
    filed = add_months(today - timedelta(days=1), -2)  # PCMI: 2 months (R423-23 b)
    Dossier.objects.filter(pk=dossier.pk).update(filed_at=at(filed))
    schedule.reschedule(dossier)
    return Dossier.objects.get(pk=dossier.pk)


# --- the workflow's guard ---------------------------------------------------------------------


def test_a_decision_can_be_signed_on_the_last_day_but_not_the_day_after(team):
    filed = timezone.localdate().replace(day=1) - timedelta(days=200)
    d = awaiting(team, filed)
    last_day = d.deadline("instruction_end").date
    with pytest.raises(TransitionRefused) as refused:
        fire(d, "sign", actor=team.mayor, at=at(last_day + timedelta(days=1)))
    message = str(refused.value)
    tacit_on = last_day + timedelta(days=1)
    assert f"une décision tacite est née le {format_fr(tacit_on)}" in message
    assert "permis tacite, L424-2, R424-1 b" in message
    retrait_until = d.deadline("retrait_deadline").date
    assert f"retirer jusqu'au {format_fr(retrait_until)}" in message and "L424-5" in message
    assert Dossier.objects.get(pk=d.pk).state == State.AWAITING_SIGNATURE
    d = fire(d, "sign", actor=team.mayor, at=at(last_day))
    assert d.state == State.SIGNED


def test_after_a_tacit_refusal_the_notice_says_so_and_offers_no_retrait(team):
    filed = timezone.localdate() - timedelta(days=200)
    d = awaiting(team, filed, outcome="refusal", flags=["MH_INSCRIT"])  # R424-2
    tacit = d.deadline("tacit_decision")
    notice = d.tacit_decision_notice(tacit.date)
    assert "refus tacite" in notice and "R424-2" in notice
    assert "CRPA L232-4" in notice and "retirer" not in notice
    with pytest.raises(TransitionRefused, match="R424-2"):
        fire(d, "sign", actor=team.mayor, at=at(tacit.date))


# --- the queued signing job --------------------------------------------------------------------


def test_a_queued_job_that_meets_a_tacit_decision_stops_once_visibly(
    team, documents_root, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    d = awaiting(team, today - timedelta(days=10))
    document = issue_decision(d, team.mayor)  # in time: the job is queued
    job = ProcrastinateJob.objects.get(
        task_name__endswith="sign_document_job", args__document_id=document.pk
    )
    d = let_the_delai_run_out(d, today)  # …and the job runs after the last day
    tacit_on = d.deadline("tacit_decision").date
    with django_capture_on_commit_callbacks(execute=True):
        result = sign_document_job(**job.args)  # returns: procrastinate will not retry it
    assert result == {"reference": document.reference, "status": "abandoned", "sha256": ""}
    document.refresh_from_db()
    assert document.status == DocumentStatus.ABANDONED and document.storage_path == ""
    assert not any(documents_root.rglob("*.pdf"))  # nothing signed, nothing stored
    d = Dossier.objects.get(pk=d.pk)
    # The tacit decision is recorded at once: the dossier leaves "awaiting signature".
    assert d.state == State.TACIT_GRANTED and d.tacit_on == tacit_on
    kinds = list(Event.objects.filter(dossier=d).values_list("kind", flat=True))
    assert kinds[-2:] == ["signature_abandoned", "arise_tacit_decision"]
    event = Event.objects.get(dossier=d, kind="signature_abandoned")
    assert event.payload["document"] == document.reference
    assert f"une décision tacite est née le {format_fr(tacit_on)}" in event.payload["reason"]
    # The signatory and the officer in charge are told, once.
    told = [m for m in mail.outbox if team.mayor.email in m.to]
    assert len(told) == 1
    assert sorted(told[0].to) == sorted([team.mayor.email, team.officer.email])
    assert document.reference in told[0].subject
    assert "décision tacite est née" in told[0].body
    # Run again (a retry, a requeued job): nothing more happens.
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_pending(document.pk).status == DocumentStatus.ABANDONED
    assert Event.objects.filter(dossier=d, kind="signature_abandoned").count() == 1
    assert len(mail.outbox) == sent


def test_a_job_whose_decision_was_sent_back_is_abandoned_and_a_new_one_can_be_issued(team):
    d = awaiting(team, timezone.localdate() - timedelta(days=10))
    first = issue_decision(d, team.mayor)
    d = fire(d, "return_for_changes", actor=team.mayor, comment="Ajouter une prescription")
    assert sign_pending(first.pk).status == DocumentStatus.ABANDONED
    reason = Event.objects.get(dossier=d, kind="signature_abandoned").payload["reason"]
    assert "n'attend plus de signature" in reason
    assert Dossier.objects.get(pk=d.pk).state == State.DECISION_PROPOSED
    d = fire(d, "send_for_signature", actor=team.officer)
    second = issue_decision(d, team.mayor)
    assert second.pk != first.pk and second.reference != first.reference
    assert sign_pending(second.pk).status == DocumentStatus.SIGNED
    assert Dossier.objects.get(pk=d.pk).state == State.SIGNED


# --- the parapheur ------------------------------------------------------------------------------


def signatory_client(client, team):
    client.force_login(team.mayor)
    session = client.session
    session[SESSION_KEY] = int(pytime.time())
    session.save()
    return client


def test_the_parapheur_warns_in_the_last_week_before_the_last_day(client, team):
    today = timezone.localdate()
    d = awaiting(team, today - timedelta(days=55))
    last_day = d.deadline("instruction_end").date
    days_left = (last_day - today).days
    assert 0 <= days_left <= 7
    page = signatory_client(client, team).get("/parapheur/").content.decode()
    assert "permis tacite le" in page and "(L424-2, R424-1 b)" in page
    assert f"le {last_day:%d/%m/%Y}" in page
    assert 'role="alert"' in page
    assert f"/parapheur/{d.pk}/signer/" in page


def test_after_the_last_day_the_parapheur_explains_and_refuses_to_sign(client, team):
    today = timezone.localdate()
    d = let_the_delai_run_out(awaiting(team, today - timedelta(days=10)), today)
    tacit_on = d.deadline("tacit_decision").date
    signatory_client(client, team)
    page = client.get("/parapheur/").content.decode()
    assert "Décision tacite née : signature impossible." in page
    assert f"née le {format_fr(tacit_on)}" in page and "L424-5" in page
    assert f"/parapheur/{d.pk}/signer/" not in page
    # A stale page's button: refused with the same explanation, no number taken.
    response = client.post(f"/parapheur/{d.pk}/signer/", follow=True)
    assert "décision tacite est née" in response.content.decode()
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.DECISION).exists()


def test_the_parapheur_offers_the_retrait_after_a_tacit_grant(
    client, team, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    d = awaiting(team, today - timedelta(days=10), outcome="refusal")
    document = issue_decision(d, team.mayor)
    let_the_delai_run_out(d, today)
    sign_pending(document.pk)
    timers.sweep(today)  # the tacit grant is executory at once (L424-8)
    d = Dossier.objects.get(pk=d.pk)
    assert d.state == State.EXECUTORY
    page = signatory_client(client, team).get("/parapheur/").content.decode()
    assert "Décisions tacites nées avant la signature" in page
    assert "que le projet méconnaît l&#x27;article UH 10" in page  # the grounds, pre-filled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/parapheur/{d.pk}/engager-retrait/",
            {"state": d.state, "grounds": "Le projet méconnaît l'article UH 10."},
        )
    d = Dossier.objects.get(pk=d.pk)
    assert d.retrait_letter_on == today
    assert IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.RETRAIT_NOTICE).exists()
    # Started: the offer gives way to "Retraits à prononcer".
    page = client.get("/parapheur/").content.decode()
    assert "Décisions tacites nées avant la signature" not in page
    assert "Retraits à prononcer" in page


def test_only_a_signatory_of_the_commune_may_start_a_retrait_from_the_parapheur(client, team):
    other = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=1))
    today = timezone.localdate()
    d = awaiting(team, today - timedelta(days=10))
    let_the_delai_run_out(d, today)
    timers.sweep(today)
    assert Dossier.objects.get(pk=d.pk).state == State.EXECUTORY
    client.force_login(other.mayor)
    assert client.post(f"/parapheur/{d.pk}/engager-retrait/", {"grounds": "x"}).status_code == 404
    client.force_login(team.officer)
    assert client.post(f"/parapheur/{d.pk}/engager-retrait/", {"grounds": "x"}).status_code == 403
    assert Dossier.objects.get(pk=d.pk).retrait_letter_on is None


def test_a_tacit_refusal_born_under_signature_is_explained_without_a_retrait_offer(client, team):
    today = timezone.localdate()
    d = awaiting(team, today - timedelta(days=10), flags=["MH_INSCRIT"])  # R424-2
    document = issue_decision(d, team.mayor)
    let_the_delai_run_out(d, today)
    assert sign_pending(document.pk).status == DocumentStatus.ABANDONED
    d = Dossier.objects.get(pk=d.pk)
    assert d.state == State.TACIT_REJECTED
    page = signatory_client(client, team).get("/parapheur/").content.decode()
    assert "Décisions tacites nées avant la signature" in page
    assert "refus tacite" in page and "CRPA L232-4" in page
    assert f"/parapheur/{d.pk}/engager-retrait/" not in page
    assert client.post(f"/parapheur/{d.pk}/engager-retrait/", {"grounds": "x"}).status_code == 404
    # Two months after its date the applicant's appeal period is over (CJA R421-1): the machine
    # says so and the parapheur no longer shows it.
    born = d.tacit_on
    assert d.refusal_still_contestable(add_months(born, 2))
    assert not d.refusal_still_contestable(add_months(born, 2) + timedelta(days=1))
    Dossier.objects.filter(pk=d.pk).update(tacit_on=add_months(today, -2) - timedelta(days=1))
    page = signatory_client(client, team).get("/parapheur/").content.decode()
    assert "Décisions tacites nées avant la signature" not in page
