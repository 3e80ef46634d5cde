"""The legal life of a dossier through `fire`: guards, roles, events (reference §8)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.factories import filed_dossier, make_team
from workflow.errors import NotAllowed, StaleDossier, TransitionRefused
from workflow.events import verify_chain
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
S = State


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=ZoneInfo("Europe/Paris"))


def kinds(dossier):
    return list(Event.objects.filter(dossier=dossier).values_list("kind", flat=True))


def test_filing_writes_the_first_event_and_schedules_the_completeness_month(team):
    dossier = filed_dossier(team, on=date(2026, 1, 5))
    assert dossier.state == S.DEPOSITED
    assert kinds(dossier) == ["submit"]
    event = Event.objects.get(dossier=dossier)
    assert (event.from_state, event.to_state, event.actor) == ("draft", "deposited", team.applicant)
    # R423-22: the dossier is deemed complete the day after the month ends (5 Feb).
    assert dossier.next_timer_on == date(2026, 2, 6)


def test_a_grant_walks_from_filing_to_executory_with_one_event_per_act(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    d = fire(d, "request_pieces", actor=team.officer, pieces=["PCMI2"], on=date(2026, 1, 20))
    assert d.state == S.INCOMPLETE
    d = fire(d, "receive_pieces", actor=team.applicant, on=date(2026, 2, 10))
    assert d.state == S.UNDER_INSTRUCTION
    # The 2-month délai of a PCMI now runs from the receipt of the pieces (R423-39 c).
    assert d.deadline("instruction_end").date == date(2026, 4, 10)
    d = fire(
        d,
        "propose_decision",
        actor=team.officer,
        outcome="grant_with_prescriptions",
        grounds=["Considérant l'avis de l'ABF"],
        prescriptions=["Tuiles plates"],
    )
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=at(date(2026, 2, 27)))
    assert d.state == S.SIGNED
    d = fire(d, "notify_decision", actor=team.officer, on=date(2026, 3, 2))
    assert d.state == S.NOTIFIED
    d = fire(d, "record_prefet_ack", actor=team.officer, on=date(2026, 3, 4))
    # L424-7: executory once notified AND transmitted, at the later of the two dates.
    assert d.state == S.EXECUTORY and d.executory_on == date(2026, 3, 4)
    assert kinds(d) == [
        "submit",
        "request_pieces",
        "receive_pieces",
        "propose_decision",
        "send_for_signature",
        "sign",
        "notify_decision",
        "record_prefet_ack",
    ]
    assert verify_chain(d) == []


def test_transmission_before_notification_also_makes_the_grant_executory(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    for name, actor, kwargs in [
        ("declare_complete", team.officer, {}),
        ("propose_decision", team.officer, {"outcome": "grant"}),
        ("send_for_signature", team.officer, {}),
        ("sign", team.mayor, {"at": at(date(2026, 1, 30))}),
        ("record_prefet_ack", team.officer, {"on": date(2026, 2, 1)}),
    ]:
        d = fire(d, name, actor=actor, **kwargs)
    assert d.state == S.TRANSMITTED_TO_PREFET
    d = fire(d, "notify_decision", actor=team.officer, on=date(2026, 2, 3))
    assert d.state == S.EXECUTORY and d.executory_on == date(2026, 2, 3)


def test_a_refusal_must_state_its_grounds_and_ends_refused(team):
    d = fire(filed_dossier(team), "declare_complete", actor=team.officer)
    with pytest.raises(TransitionRefused, match="L424-3"):
        fire(d, "propose_decision", actor=team.officer, outcome="refusal")
    d = fire(
        d,
        "propose_decision",
        actor=team.officer,
        outcome="refusal",
        grounds=["Hauteur supérieure à 9 m (article UA 10)", "Recul insuffisant"],
    )
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=at(date(2026, 2, 18)))
    d = fire(d, "notify_decision", actor=team.officer, on=date(2026, 2, 20))
    assert d.state == S.REFUSED
    assert d.decision_grounds == ["Hauteur supérieure à 9 m (article UA 10)", "Recul insuffisant"]


def test_a_declaration_cannot_receive_a_permit_outcome(team):
    d = fire(filed_dossier(team, "DP"), "declare_complete", actor=team.officer)
    with pytest.raises(TransitionRefused, match="Non-opposition"):
        fire(d, "propose_decision", actor=team.officer, outcome="grant")


def test_a_pieces_request_after_the_first_month_is_refused_and_explained(team):
    d = filed_dossier(team, on=date(2026, 1, 31))
    with pytest.raises(TransitionRefused, match=r"R423-41") as refused:
        fire(d, "request_pieces", actor=team.officer, pieces=["PCMI4"], on=date(2026, 3, 1))
    assert "28 février 2026" in str(refused.value)  # 31 Jan + 1 month, clamped
    d.refresh_from_db()
    assert d.state == S.DEPOSITED and kinds(d) == ["submit"]


def test_a_majoration_must_be_listed_applicable_and_notified_within_the_month(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    with pytest.raises(TransitionRefused, match="inconnu"):
        fire(d, "notify_majoration", actor=team.officer, reason="BECAUSE")
    with pytest.raises(TransitionRefused, match="ne s'applique pas"):
        fire(d, "notify_majoration", actor=team.officer, reason="R423_28_B_ERP_IGH")  # PC only
    with pytest.raises(TransitionRefused, match="462511"):
        fire(
            d,
            "notify_majoration",
            actor=team.officer,
            reason="R423_24_C_SPR_ABORDS_MH",
            on=date(2026, 2, 6),
        )
    d = fire(
        d,
        "notify_majoration",
        actor=team.officer,
        reason="R423_24_C_SPR_ABORDS_MH",
        on=date(2026, 1, 20),
    )
    assert d.state == S.DEPOSITED
    # PCMI 2 months + 1 (R423-24 c), from the filing: ends 5 April, tacit permit on 6 April.
    assert d.deadline("instruction_end").date == date(2026, 4, 5)
    assert d.deadline("tacit_decision").date == date(2026, 4, 6)
    assert "R423-24" in d.deadline("instruction_end").basis


def test_roles_are_checked_for_every_act(team):
    d = filed_dossier(team)
    with pytest.raises(NotAllowed, match="Votre rôle"):
        fire(d, "request_pieces", actor=team.applicant, pieces=["PCMI1"], on=date(2026, 1, 6))
    with pytest.raises(NotAllowed):
        fire(d, "arise_tacit_decision", actor=team.officer, today=date(2026, 6, 1))
    d = fire(d, "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    with pytest.raises(NotAllowed):
        fire(d, "sign", actor=team.officer)  # only the signatory signs
    assert kinds(d) == ["submit", "declare_complete", "propose_decision", "send_for_signature"]


def test_agents_of_another_commune_have_no_role_on_the_dossier(team):
    other = make_team(commune=None)  # same commune factory → reuse a different one below
    from tests.factories import CommuneFactory

    elsewhere = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=21000))
    d = filed_dossier(team)
    for outsider in (elsewhere.officer, elsewhere.applicant):
        with pytest.raises(NotAllowed):
            fire(d, "declare_complete", actor=outsider)
    assert other.officer != team.officer


def test_a_stale_attempt_is_refused_instead_of_overwriting(team):
    d = filed_dossier(team)
    seen_by_other_tab = type(d).objects.get(pk=d.pk)
    fire(d, "declare_complete", actor=team.officer)
    with pytest.raises(StaleDossier, match="entre-temps"):
        fire(
            seen_by_other_tab,
            "request_pieces",
            actor=team.officer,
            pieces=["PCMI1"],
            on=date(2026, 1, 10),
        )
    assert kinds(d) == ["submit", "declare_complete"]


def test_an_act_impossible_in_the_current_state_says_so(team):
    d = filed_dossier(team)
    with pytest.raises(TransitionRefused, match="Acte impossible dans l'état « Déposé »"):
        fire(d, "sign", actor=team.mayor)


def test_the_signatory_can_send_the_draft_back_with_a_comment(team):
    d = fire(filed_dossier(team), "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    with pytest.raises(TransitionRefused, match="revu"):
        fire(d, "return_for_changes", actor=team.mayor, comment=" ")
    d = fire(d, "return_for_changes", actor=team.mayor, comment="Ajouter la prescription ABF")
    assert d.state == S.DECISION_PROPOSED
    assert Event.objects.filter(dossier=d).last().payload == {
        "comment": "Ajouter la prescription ABF"
    }


def test_a_late_notification_of_a_grant_is_refused_because_the_tacit_permit_exists(team):
    d = fire(filed_dossier(team, on=date(2026, 1, 5)), "declare_complete", actor=team.officer)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    d = fire(d, "send_for_signature", actor=team.officer)
    d = fire(d, "sign", actor=team.mayor, at=at(date(2026, 3, 2)))
    with pytest.raises(TransitionRefused, match="L424-2"):
        fire(d, "notify_decision", actor=team.officer, on=date(2026, 3, 6))


def test_the_applicant_may_withdraw_before_the_decision_and_the_number_stays(team):
    d = filed_dossier(team)
    number = d.number
    d = fire(d, "withdraw", actor=team.applicant, on=date(2026, 1, 20))
    assert d.state == S.WITHDRAWN and d.number == number and d.next_timer_on is None


def test_retrait_needs_the_contradictory_letter_and_the_three_month_window(team):
    d = fire(filed_dossier(team, on=date(2026, 1, 5)), "declare_complete", actor=team.officer)
    for name, actor, kwargs in [
        ("propose_decision", team.officer, {"outcome": "grant"}),
        ("send_for_signature", team.officer, {}),
        ("sign", team.mayor, {"at": at(date(2026, 1, 30))}),
        ("notify_decision", team.officer, {"on": date(2026, 2, 2)}),
        ("record_prefet_ack", team.officer, {"on": date(2026, 2, 3)}),
    ]:
        d = fire(d, name, actor=actor, **kwargs)
    with pytest.raises(TransitionRefused, match="contradictoire"):
        fire(d, "retract", actor=team.mayor, reason="Illégal", on=date(2026, 3, 1))
    d = fire(
        d,
        "announce_retrait",
        actor=team.mayor,
        on=date(2026, 3, 1),
        payload={"grounds": ["Méconnaissance de l'article UA 7"]},  # the letter states them
    )
    with pytest.raises(TransitionRefused, match="contradictoire"):
        fire(d, "retract", actor=team.mayor, reason="Illégal", on=date(2026, 3, 10))
    d = fire(
        d,
        "retract",
        actor=team.mayor,
        reason="Méconnaissance de l'article UA 7",
        on=date(2026, 3, 20),
    )
    assert d.state == S.RETRACTED
