"""Timers: what happens on its own when a deadline passes, once and only once (§8.2)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from permits.models import Dossier
from tests.factories import filed_dossier
from workflow.clock.rules import ServiceKind
from workflow.consultations import answer_consultation, send_consultation
from workflow.errors import TransitionRefused
from workflow.models import Event, Opinion
from workflow.outcomes import Outcome
from workflow.states import State
from workflow.timers import sweep
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
S = State


def at(day):
    return datetime.combine(day, time(9), tzinfo=ZoneInfo("Europe/Paris"))


def reload(d):
    return Dossier.objects.get(pk=d.pk)


def kinds(d):
    return list(Event.objects.filter(dossier=d).values_list("kind", flat=True))


def test_a_dp_left_unanswered_becomes_a_tacit_non_opposition_then_executory(team):
    # §3.17: DP filed 21 Jan ends 21 Feb; the tacit decision arises on 22 Feb.
    d = filed_dossier(team, "DP", on=date(2026, 1, 21))
    assert sweep(date(2026, 2, 21)).fired["arise_tacit_decision"] == 0
    d = reload(d)
    assert d.state == S.DEPOSITED  # the completeness month runs until 21 Feb inclusive
    report = sweep(date(2026, 2, 22))
    d = reload(d)
    assert report.fired["arise_tacit_decision"] == 1
    assert d.state == S.EXECUTORY  # L424-8: executory as soon as it exists
    assert d.tacit_on == date(2026, 2, 22) and d.executory_on == date(2026, 2, 22)
    assert d.decision_outcome == Outcome.TACIT_GRANT
    assert kinds(d) == ["submit", "deem_complete", "arise_tacit_decision", "become_executory"]


def test_the_sweep_is_idempotent(team):
    d = filed_dossier(team, "DP", on=date(2026, 1, 21))
    sweep(date(2026, 2, 22))
    events = Event.objects.count()
    again = sweep(date(2026, 2, 22))
    assert sum(again.fired.values()) == 0 and Event.objects.count() == events
    assert reload(d).state == S.EXECUTORY


def test_no_tacit_decision_when_the_decision_was_notified_in_time(team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="refusal", grounds=["Motif"])
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=at(date(2026, 3, 2)))
    d = fire(d, "notify_decision", actor=team.officer, on=date(2026, 3, 5))  # last day
    sweep(date(2026, 3, 6))
    sweep(date(2026, 12, 31))
    d = reload(d)
    assert d.state == S.REFUSED and d.tacit_on is None
    assert "arise_tacit_decision" not in kinds(d)


def test_a_signed_but_unnotified_grant_turns_tacit_at_the_end_of_the_delai(team):
    # Notification, not signature, counts (§3.9).
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 1))
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=at(date(2026, 2, 27)))
    assert reload(d).next_timer_on == date(2026, 3, 2)  # §3.17: PCMI 1 Jan → tacit 2 Mar
    sweep(date(2026, 3, 2))
    assert reload(d).state == S.EXECUTORY and reload(d).tacit_on == date(2026, 3, 2)


def test_an_r424_2_case_gives_a_tacit_refusal(team):
    d = filed_dossier(team, "PC", on=date(2026, 1, 5))
    d = fire(d, "qualify", actor=team.officer, flags=["SITE_CLASSE"])
    sweep(date(2026, 2, 6))  # deemed complete
    sweep(date(2026, 4, 6))  # PC 3 months from 5 Jan ends 5 Apr
    d = reload(d)
    assert d.state == S.TACIT_REJECTED and d.decision_outcome == Outcome.TACIT_REJECTION


def test_pieces_not_supplied_within_three_months_give_a_tacit_rejection(team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    d = fire(d, "request_pieces", actor=team.officer, pieces=["PCMI3"], on=date(2026, 1, 20))
    assert reload(d).next_timer_on == date(2026, 4, 21)  # R423-39: 20 Apr is the last day
    sweep(date(2026, 4, 20))
    assert reload(d).state == S.INCOMPLETE
    sweep(date(2026, 4, 21))
    assert reload(d).state == S.TACIT_REJECTED
    with pytest.raises(TransitionRefused):
        fire(reload(d), "receive_pieces", actor=team.applicant, on=date(2026, 4, 22))


def test_a_silent_consultee_gives_a_tacit_favourable_opinion(team):
    d = filed_dossier(team, "PC", on=date(2026, 1, 5))
    d = fire(d, "qualify", actor=team.officer, flags=["ABORDS_MH"])
    abf = send_consultation(
        d,
        kind=ServiceKind.ABF,
        service_name="UDAP 91",
        sent_on=date(2026, 1, 10),
        actor=team.officer,
    )
    sdis = send_consultation(
        d,
        kind=ServiceKind.OTHER,
        service_name="SDIS 91",
        sent_on=date(2026, 1, 10),
        actor=team.officer,
    )
    assert (abf.due_on, abf.due_basis) == (date(2026, 3, 10), "R423-67")  # 2 months
    assert (sdis.due_on, sdis.due_basis) == (date(2026, 2, 10), "R423-59")
    answer_consultation(sdis, opinion=Opinion.FAVOURABLE, on=date(2026, 2, 1), actor=team.consultee)
    sweep(date(2026, 3, 10))
    abf.refresh_from_db()
    assert abf.opinion == "" and abf.answered_on is None
    sweep(date(2026, 3, 11))
    abf.refresh_from_db()
    assert abf.opinion == Opinion.TACIT_FAVOURABLE and abf.answered_on == date(2026, 3, 11)
    assert kinds(d).count("opinion_tacit") == 1
    with pytest.raises(TransitionRefused, match="déjà été rendu"):
        answer_consultation(
            abf, opinion=Opinion.UNFAVOURABLE, text="Trop tard", on=date(2026, 3, 12)
        )


def test_conformity_can_no_longer_be_contested_after_three_months(team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    sweep(date(2026, 3, 6))  # deemed complete, then the tacit permit, executory
    d = reload(d)
    assert d.state == S.EXECUTORY
    d = fire(d, "open_works", actor=team.applicant, on=date(2026, 4, 1))
    d = fire(d, "complete_works", actor=team.applicant, on=date(2026, 10, 1))
    assert d.next_timer_on == date(2027, 1, 2)  # R462-6: 3 months from the DAACT
    sweep(date(2027, 1, 2))
    assert reload(d).state == S.CONFORM


def test_a_permit_without_works_lapses_after_three_years(team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    sweep(date(2026, 3, 6))
    d = reload(d)
    validity = d.deadline("validity_end").date
    sweep(validity)
    assert reload(d).state == S.EXECUTORY
    sweep(date.fromordinal(validity.toordinal() + 1))
    assert reload(d).state == S.LAPSED


def test_run_timers_command_reports_what_fired(team, capsys):
    filed_dossier(team, "DP", on=date(2026, 1, 21))
    call_command("run_timers", "--today", "2026-02-22")
    out = capsys.readouterr().out
    assert '"arise_tacit_decision": 1' in out and '"become_executory": 1' in out


def test_the_applicant_is_told_by_e_mail_when_a_timer_decides(
    team, django_capture_on_commit_callbacks
):
    from django.core import mail

    team.applicant.email = "camille@example.org"
    team.applicant.save()
    filed_dossier(team, "DP", on=date(2026, 1, 21))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(date(2026, 2, 22))
    subjects = [m.subject for m in mail.outbox]
    assert any("Dossier complet" in s for s in subjects)
    assert any("Décision tacite" in s for s in subjects)
