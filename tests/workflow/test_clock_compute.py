"""Completeness, majoration notification, tacit outcome, decision windows (§3.4..§3.14)."""

import pytest

from tests.workflow._helpers import by_name, d, get
from workflow.clock import Consequence as C
from workflow.clock import ExceptionFlag as F
from workflow.clock import (
    Facts,
    Majoration,
    ServiceKind,
    compute_deadlines,
    decision_in_time,
    instruction_delay,
    tacit_outcome,
)
from workflow.clock import MajorationReason as M

# --- completeness (R423-22, R423-38, R423-39, R423-41) ------------------------------------------


def test_no_request_deemed_complete_at_filing():
    found = by_name(Facts("PCMI", d("2026-01-31")))
    assert found["completeness_deadline"].date == d("2026-02-28")
    assert found["completeness_deadline"].consequence is C.DEEMED_COMPLETE
    assert found["instruction_end"].date == d("2026-03-31")
    assert "réputé complet" in found["instruction_end"].explanation
    assert "pieces_deadline" not in found


def test_request_in_time_restarts_clock_on_receipt():
    facts = Facts(
        "PC", d("2026-02-02"), pieces_requested=d("2026-03-02"), pieces_received=d("2026-04-15")
    )
    found = by_name(facts)
    assert found["pieces_deadline"].date == d("2026-06-02")
    assert found["instruction_end"].date == d("2026-07-15")
    assert found["tacit_decision"].date == d("2026-07-16")
    assert found["tacit_decision"].consequence is C.TACIT_PERMIT
    assert "R423-39 c" in found["instruction_end"].explanation


def test_request_on_last_day_of_the_month_is_in_time():
    found = by_name(
        Facts(
            "DP", d("2026-01-31"), pieces_requested=d("2026-02-28"), pieces_received=d("2026-03-05")
        )
    )
    assert found["instruction_end"].date == d("2026-04-05")


def test_request_after_the_month_changes_nothing():
    base = by_name(Facts("PC", d("2026-01-10")))
    late = by_name(
        Facts(
            "PC", d("2026-01-10"), pieces_requested=d("2026-02-11"), pieces_received=d("2026-03-20")
        )
    )
    assert "pieces_deadline" not in late
    assert late["instruction_end"].date == base["instruction_end"].date == d("2026-04-10")
    assert "R423-41" in late["instruction_end"].explanation
    assert "tardive" in late["completeness_deadline"].explanation


def test_pieces_received_after_three_months_is_tacit_rejection():
    found = by_name(
        Facts(
            "PCMI",
            d("2026-01-10"),
            pieces_requested=d("2026-01-20"),
            pieces_received=d("2026-04-21"),
        )
    )
    assert found["tacit_decision"].date == d("2026-04-21")
    assert found["tacit_decision"].consequence is C.TACIT_REFUSAL
    assert "instruction_end" not in found
    assert "après l'expiration" in found["tacit_decision"].explanation


def test_pieces_received_on_last_day_starts_clock():
    found = by_name(
        Facts(
            "PCMI",
            d("2026-01-10"),
            pieces_requested=d("2026-01-20"),
            pieces_received=d("2026-04-20"),
        )
    )
    assert found["instruction_end"].date == d("2026-06-20")


def test_cu_has_no_completeness_window():
    found = by_name(Facts("CUA", d("2026-01-10"), pieces_requested=d("2026-01-20")))
    assert "completeness_deadline" not in found
    assert "filing_notice_posting" not in found
    assert found["instruction_end"].date == d("2026-02-10")
    assert "R423-38" in found["instruction_end"].explanation


# --- majorations (R423-42, CE 24 Oct 2023 n°462511) ---------------------------------------------


def test_majoration_notified_in_time_applies():
    facts = Facts(
        "PCMI",
        d("2026-01-31"),
        majorations=(Majoration(M.R423_24_C_SPR_ABORDS_MH, d("2026-02-28")),),
    )
    assert get(facts, "instruction_end").date == d("2026-04-30")


def test_majoration_notified_late_is_ignored_and_reported():
    facts = Facts(
        "PCMI",
        d("2026-01-31"),
        majorations=(Majoration(M.R423_24_C_SPR_ABORDS_MH, d("2026-03-01")),),
    )
    end = get(facts, "instruction_end")
    assert end.date == d("2026-03-31")
    assert end.basis == "R423-23 b"
    assert "462511" in end.explanation and "sans effet" in end.explanation


def test_pending_majoration_is_projected_with_a_warning():
    end = get(Facts("PC", d("2026-01-31"), majorations=(M.R423_25_E_AEC,)), "instruction_end")
    assert end.date == d("2026-06-30")
    assert "Sous réserve" in end.explanation


def test_majoration_not_applicable_to_type_is_reported():
    delay = instruction_delay(Facts("PA", d("2026-01-10"), majorations=(M.R423_28_B_ERP_IGH,)))
    assert delay.months == 3
    assert any("non applicable" in note for note in delay.notes)


def test_non_cumulative_majorations_name_the_ignored_one():
    delay = instruction_delay(
        Facts(
            "PC", d("2026-01-10"), majorations=(M.R423_24_C_SPR_ABORDS_MH, M.R423_25_A_COMMISSION)
        )
    )
    assert delay.months == 5
    assert delay.basis == "R423-23 c, R423-25 a"
    assert any("R423-24 c" in note and "non cumulables" in note for note in delay.notes)


# --- tacit outcome -----------------------------------------------------------------------------


def test_dp_abf_refusal_keeps_non_opposition_with_caveat():
    consequence, _, notes = tacit_outcome(Facts("DP", d("2026-03-01"), flags={F.ABF_REFUSAL}))
    assert consequence is C.TACIT_NON_OPPOSITION
    assert any("14BX03676" in note for note in notes)


def test_pc_with_several_exceptions_cites_all_articles():
    consequence, basis, _ = tacit_outcome(
        Facts("PC", d("2026-03-01"), flags={F.SITE_CLASSE, F.ABF_REFUSAL, F.ENV_ASSESSMENT})
    )
    assert consequence is C.TACIT_REFUSAL
    assert basis == "R424-2-1, R424-2, R424-3"


def test_pc_in_site_inscrit_without_demolition_is_tacit_permit():
    assert tacit_outcome(Facts("PC", d("2026-03-01"), flags={F.SITE_INSCRIT}))[0] is C.TACIT_PERMIT


# --- decision in time (§3.9) -------------------------------------------------------------------


def test_decision_in_time_uses_notification_not_signature():
    filed = d("2026-01-01")  # PCMI: last day 1 March 2026
    assert decision_in_time(Facts("PCMI", filed)) is None
    on_time = Facts(
        "PCMI", filed, decision_signed=d("2026-02-20"), decision_notified=d("2026-03-01")
    )
    late = Facts("PCMI", filed, decision_signed=d("2026-02-20"), decision_notified=d("2026-03-02"))
    assert decision_in_time(on_time) is True
    assert decision_in_time(late) is False


def test_decision_while_pieces_awaited_compares_to_pieces_window():
    facts = Facts(
        "DP", d("2026-01-10"), pieces_requested=d("2026-01-20"), decision_notified=d("2026-04-20")
    )
    assert decision_in_time(facts) is True
    later = Facts(
        "DP", d("2026-01-10"), pieces_requested=d("2026-01-20"), decision_notified=d("2026-04-21")
    )
    assert decision_in_time(later) is False


def test_late_refusal_leaves_tacit_permit_windows():
    facts = Facts(
        "PCMI",
        d("2026-01-01"),
        decision_signed=d("2026-02-25"),
        decision_notified=d("2026-03-04"),
        decision_refused=True,
    )
    found = by_name(facts)
    assert found["retrait_deadline"].date == d("2026-06-02")  # from the 2 March tacit permit
    assert found["validity_end"].date == d("2029-03-02")
    assert "vaut retrait" in found["validity_end"].explanation


def test_refusal_in_time_has_no_grant_windows():
    found = by_name(
        Facts(
            "PC",
            d("2026-01-01"),
            decision_signed=d("2026-03-20"),
            decision_notified=d("2026-03-25"),
            decision_refused=True,
        )
    )
    for name in ("retrait_deadline", "validity_end", "mairie_posting", "prefet_transmission"):
        assert name not in found


def test_express_grant_windows_run_from_decision_and_notification():
    facts = Facts(
        "PA",
        d("2026-01-05"),
        decision_signed=d("2026-03-30"),
        decision_date=d("2026-03-31"),
        decision_notified=d("2026-04-03"),
    )
    found = by_name(facts)
    assert found["mairie_posting"].date == d("2026-04-08")
    assert found["retrait_deadline"].date == d("2026-06-30")
    assert found["prefet_transmission"].date == d("2026-04-14")
    assert found["validity_end"].date == d("2029-04-03")


def test_tacit_refusal_projects_no_grant_windows():
    found = by_name(Facts("PC", d("2026-01-05"), flags={F.MH_INSCRIT}))
    assert "validity_end" not in found and "retrait_deadline" not in found


# --- validity and prorogation (R424-17, R424-21, R424-22, L410-1) -------------------------------


@pytest.mark.parametrize(
    ("granted", "end", "request_by"),
    [
        (0, "2029-04-24", "2029-02-24"),
        (1, "2030-04-24", "2030-02-24"),
        (2, "2031-04-24", None),
        (3, "2031-04-24", None),  # capped at two
    ],
)
def test_validity_with_prorogations(granted, end, request_by):
    found = by_name(
        Facts(
            "PC", d("2026-02-10"), decision_notified=d("2026-04-24"), prorogations_granted=granted
        )
    )
    assert found["validity_end"].date == d(end)
    if request_by is None:
        assert "prorogation_request_deadline" not in found
    else:
        assert found["prorogation_request_deadline"].date == d(request_by)


def test_cu_validity_18_months_from_tacit_date():
    found = by_name(Facts("CUB", d("2026-01-10")))
    assert found["tacit_decision"].date == d("2026-03-11")
    assert found["validity_end"].date == d("2027-09-11")
    assert found["validity_end"].basis == "L410-1"
    assert found["validity_end"].consequence is C.CU_EXPIRY
    assert found["prorogation_request_deadline"].date == d("2027-07-11")
    assert "retrait_deadline" not in found and "mairie_posting" not in found


def test_modificatif_has_no_validity_of_its_own():
    found = by_name(Facts("MODIFICATIF", d("2026-01-10"), parent_procedure="PC"))
    assert "validity_end" not in found
    assert "retrait_deadline" in found


def test_prorogation_dossier_only_has_its_own_clock():
    found = by_name(Facts("PROROGATION", d("2026-01-10")))
    assert set(found) == {"instruction_end", "tacit_decision"}
    assert found["tacit_decision"].consequence is C.PROROGATION_GRANTED


@pytest.mark.parametrize("code", ["TRANSFERT", "DOC"])
def test_procedures_without_delai(code):
    assert compute_deadlines(Facts(code, d("2026-01-10"))) == []


def test_transfert_signed_must_be_transmitted():
    found = by_name(Facts("TRANSFERT", d("2026-01-10"), decision_signed=d("2026-02-01")))
    assert set(found) == {"prefet_transmission"}


# --- consultations (R423-59, R423-67, R423-67-2) -----------------------------------------------


@pytest.mark.parametrize(
    ("code", "flags", "date", "consequence", "basis"),
    [
        ("PC", {F.ABORDS_MH}, "2026-04-01", C.TACIT_FAVOURABLE_OPINION, "R423-67"),
        ("PCMI", {F.SITE_INSCRIT}, "2026-04-01", C.TACIT_FAVOURABLE_OPINION, "R423-67"),
        ("PD", {F.SITE_CLASSE}, "2026-04-01", C.TACIT_FAVOURABLE_OPINION, "R423-67"),
        ("PD", {F.SITE_INSCRIT}, "2026-04-01", C.TACIT_UNFAVOURABLE_OPINION, "R423-67-2"),
        ("DP", {F.SPR}, "2026-03-01", C.TACIT_FAVOURABLE_OPINION, "R423-59"),
        ("PC", set(), "2026-03-01", C.TACIT_FAVOURABLE_OPINION, "R423-59"),
    ],
)
def test_abf_consultation(code, flags, date, consequence, basis):
    facts = Facts(code, d("2026-01-25"), flags=flags, consultations=(("abf", d("2026-02-01")),))
    deadline = get(facts, "consultation_answer_abf")
    assert (deadline.date, deadline.consequence, deadline.basis) == (d(date), consequence, basis)


def test_several_consultations_of_same_kind_get_distinct_names():
    facts = Facts(
        "PC",
        d("2026-01-25"),
        consultations=(
            ("SDIS", d("2026-02-03")),
            (ServiceKind.OTHER, d("2026-02-01")),
            ("ABF", d("2026-02-01")),
        ),
    )
    found = by_name(facts)
    assert found["consultation_answer_other"].date == d("2026-03-01")
    assert found["consultation_answer_other_2"].date == d("2026-03-03")
    assert "consultation_answer_abf" in found


# --- conformity for a permit ---------------------------------------------------------------------


def test_permit_with_daact_gets_conformity_deadline_but_pd_does_not():
    pc = by_name(Facts("PC", d("2026-01-10"), daact_received=d("2028-05-15"), flags={F.MH_INSCRIT}))
    assert pc["conformity_contest_deadline"].date == d("2028-10-15")
    pd = by_name(Facts("PD", d("2026-01-10"), daact_received=d("2028-05-15")))
    assert "conformity_contest_deadline" not in pd


# --- Facts validation and general shape ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(procedure="XX"), "unknown procedure"),
        (dict(procedure="MODIFICATIF"), "type du permis parent"),
        (dict(procedure="PC", pieces_received=d("2026-02-01")), "suppose une demande de pièces"),
        (
            dict(procedure="PC", pieces_requested=d("2025-12-01")),
            r"La demande de pièces \(01/12/2025\) ne peut précéder le dépôt \(10/01/2026\)",
        ),
        (
            dict(
                procedure="PC", decision_signed=d("2026-03-05"), decision_notified=d("2026-03-01")
            ),
            "ne peut précéder la signature de la décision",
        ),
        (dict(procedure="PC", prorogations_granted=-1), "négatif"),
    ],
)
def test_facts_validation(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        Facts(filed=d("2026-01-10"), **kwargs)


def test_facts_normalise_inputs():
    facts = Facts(
        "pcmi",
        d("2026-01-10"),
        majorations=[M.R423_24_D_CDPENAF],
        flags=[F.SPR],
        consultations=[("abf", d("2026-01-12"))],
    )
    assert facts.procedure == "PCMI"
    assert facts.majorations == (Majoration(M.R423_24_D_CDPENAF),)
    assert facts.flags == frozenset({F.SPR})
    assert facts.consultations[0].kind is ServiceKind.ABF
    hash(facts)  # frozen and hashable


def test_deadlines_are_sorted_and_carry_basis_and_french_explanation():
    facts = Facts(
        "PC",
        d("2026-01-10"),
        pieces_requested=d("2026-02-01"),
        pieces_received=d("2026-02-20"),
        majorations=(M.R423_24_C_SPR_ABORDS_MH,),
        flags={F.SPR},
        consultations=(("ABF", d("2026-02-21")),),
        decision_signed=d("2026-06-01"),
        decision_notified=d("2026-06-05"),
        prefet_ack=d("2026-06-08"),
        site_posting_start=d("2026-06-10"),
        appeal_filed=d("2026-07-01"),
        daact_received=d("2027-12-01"),
    )
    deadlines = compute_deadlines(facts)
    assert [x.date for x in deadlines] == sorted(x.date for x in deadlines)
    for deadline in deadlines:
        assert deadline.basis and deadline.label and deadline.explanation
        assert deadline.name == deadline.name.lower()
