"""Every row of ads-reference.md §3.18 (both tables) and the worked examples of §3.17."""

import pytest

from tests.workflow._helpers import by_name, d, get
from workflow.clock import Consequence as C
from workflow.clock import ExceptionFlag as F
from workflow.clock import Facts, ServiceKind, add_months
from workflow.clock import MajorationReason as M

FILED = d("2026-03-10")  # after 31 Dec 2025: R424-2-1 applies


# --- §3.17 worked examples ----------------------------------------------------------------------


def test_dp_filed_21_jan_ends_21_feb_tacit_22_feb():
    found = by_name(Facts("DP", d("2026-01-21")))
    assert found["instruction_end"].date == d("2026-02-21")
    assert found["tacit_decision"].date == d("2026-02-22")
    assert found["tacit_decision"].consequence is C.TACIT_NON_OPPOSITION


def test_pcmi_registered_1_jan_ends_1_mar_tacit_permit_2_mar():
    found = by_name(Facts("PCMI", d("2026-01-01")))
    assert found["instruction_end"].date == d("2026-03-01")
    assert found["tacit_decision"].date == d("2026-03-02")
    assert found["tacit_decision"].consequence is C.TACIT_PERMIT


@pytest.mark.parametrize(
    ("filed", "end", "tacit"),
    [
        ("2026-01-31", "2026-02-28", "2026-03-01"),  # non-leap year
        ("2024-01-31", "2024-02-29", "2024-03-01"),  # leap year
        ("2026-01-30", "2026-02-28", "2026-03-01"),
        ("2026-01-28", "2026-02-28", "2026-03-01"),
    ],
)
def test_31_jan_plus_one_month_is_last_day_of_february(filed, end, tacit):
    assert add_months(d(filed), 1) == d(end)
    found = by_name(Facts("DP", d(filed)))
    assert found["instruction_end"].date == d(end)
    assert found["tacit_decision"].date == d(tacit)
    assert found["completeness_deadline"].date == d(end)


# --- §3.18 first table: délai in months and silence at the end ----------------------------------

ROWS = [
    # (id, facts kwargs, months, tacit consequence, basis fragment)
    # DP (16702/16703)
    ("dp-base", dict(procedure="DP"), 1, C.TACIT_NON_OPPOSITION, "R423-23 a"),
    ("dplt-base", dict(procedure="DPLT"), 1, C.TACIT_NON_OPPOSITION, "R423-23 a"),
    (
        "dp+1-spr",
        dict(procedure="DP", majorations=(M.R423_24_C_SPR_ABORDS_MH,)),
        2,
        C.TACIT_NON_OPPOSITION,
        "R423-24 c",
    ),
    (
        "dp+1-cdpenaf",
        dict(procedure="DP", majorations=(M.R423_24_D_CDPENAF,)),
        2,
        C.TACIT_NON_OPPOSITION,
        "R423-24 d",
    ),
    (
        "dp+2-ppve",
        dict(procedure="DP", majorations=(M.R423_25_F_PPVE,)),
        3,
        C.TACIT_OPPOSITION,  # PPVE: environmental assessment, R424-2-1 (clock.consistency)
        "R423-25 f",
    ),
    (
        "dp-aec-not-applicable",
        dict(procedure="DP", majorations=(M.R423_25_E_AEC,)),
        1,
        C.TACIT_NON_OPPOSITION,
        "R423-23 a",
    ),
    (
        "dp-commission-not-applicable",
        dict(procedure="DP", majorations=(M.R423_25_A_COMMISSION,)),
        1,
        C.TACIT_NON_OPPOSITION,
        "R423-23 a",
    ),
    (
        "dp-ppve-not-cumulative",
        dict(procedure="DP", majorations=(M.R423_24_C_SPR_ABORDS_MH, M.R423_25_F_PPVE)),
        3,
        C.TACIT_OPPOSITION,
        "R423-25 f",
    ),
    (
        "dp-nature-reserve",
        dict(procedure="DP", majorations=(M.R423_27_C_NATIONAL_NATURE_RESERVE,)),
        2,
        C.TACIT_NON_OPPOSITION,
        "R423-27 c",
    ),
    (
        "dp-env-assessment",
        dict(procedure="DP", flags={F.ENV_ASSESSMENT}),
        1,
        C.TACIT_OPPOSITION,
        "R424-2-1",
    ),
    (
        "dp-r424-2-does-not-apply",
        dict(procedure="DP", flags={F.SITE_CLASSE, F.MH_INSCRIT}),
        1,
        C.TACIT_NON_OPPOSITION,
        "R424-1 a",
    ),
    # PCMI (13406)
    ("pcmi-base", dict(procedure="PCMI"), 2, C.TACIT_PERMIT, "R423-23 b"),
    (
        "pcmi+1",
        dict(procedure="PCMI", majorations=(M.R423_24_A_OTHER_LEGISLATION,)),
        3,
        C.TACIT_PERMIT,
        "R423-24 a",
    ),
    (
        "pcmi+2",
        dict(procedure="PCMI", majorations=(M.R423_25_A_COMMISSION,)),
        4,
        C.TACIT_PERMIT,
        "R423-25 a",
    ),
    (
        "pcmi+1+2-not-cumulative",
        dict(procedure="PCMI", majorations=(M.R423_24_C_SPR_ABORDS_MH, M.R423_25_E_AEC)),
        4,
        C.TACIT_PERMIT,
        "R423-25 e",
    ),
    (
        "pcmi-mh-inscrit",
        dict(procedure="PCMI", majorations=(M.R423_28_A_MH_INSCRIT,)),
        5,
        C.TACIT_REFUSAL,  # R423-28 a implies the R424-2 case (issue 16)
        "R423-28 a",
    ),
    (
        "pcmi-national-commission",
        dict(procedure="PCMI", majorations=(M.R423_27_A_NATIONAL_COMMISSION,)),
        5,
        C.TACIT_PERMIT,
        "R423-27 a",
    ),
    (
        "pcmi-defrichement",
        dict(procedure="PCMI", majorations=(M.R423_29_DEFRICHEMENT,)),
        3,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pcmi-defrichement-reco",
        dict(procedure="PCMI", majorations=(M.R423_29_DEFRICHEMENT_RECONNAISSANCE,)),
        5,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pcmi-defrichement-enquete",
        dict(procedure="PCMI", majorations=(M.R423_29_DEFRICHEMENT_ENQUETE,)),
        7,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pcmi-erp-not-applicable",
        dict(procedure="PCMI", majorations=(M.R423_28_B_ERP_IGH,)),
        2,
        C.TACIT_PERMIT,
        "R423-23 b",
    ),
    ("pcmi-r424-2", dict(procedure="PCMI", flags={F.MH_INSCRIT}), 2, C.TACIT_REFUSAL, "R424-2"),
    (
        "pcmi-r424-3",
        dict(procedure="PCMI", flags={F.ABF_ACCORD_REQUIRED, F.ABF_REFUSAL}),
        2,
        C.TACIT_REFUSAL,
        "R424-3",
    ),
    (
        "pcmi-r424-2-1",
        dict(procedure="PCMI", flags={F.ENV_ASSESSMENT}),
        2,
        C.TACIT_REFUSAL,
        "R424-2-1",
    ),
    # PD (13405)
    ("pd-base", dict(procedure="PD"), 2, C.TACIT_PERMIT, "R423-23 b"),
    (
        "pd+1",
        dict(procedure="PD", majorations=(M.R423_24_C_SPR_ABORDS_MH,)),
        3,
        C.TACIT_PERMIT,
        "R423-24 c",
    ),
    (
        "pd+2",
        dict(procedure="PD", majorations=(M.R423_25_A_COMMISSION,)),
        4,
        C.TACIT_PERMIT,
        "R423-25 a",
    ),
    (
        "pd-mh-inscrit",
        dict(procedure="PD", majorations=(M.R423_28_A_MH_INSCRIT,)),
        5,
        C.TACIT_REFUSAL,
        "R423-28 a",
    ),
    ("pd-site-inscrit", dict(procedure="PD", flags={F.SITE_INSCRIT}), 2, C.TACIT_REFUSAL, "R424-2"),
    # PC (13409)
    ("pc-base", dict(procedure="PC"), 3, C.TACIT_PERMIT, "R423-23 c"),
    (
        "pc+1",
        dict(procedure="PC", majorations=(M.R423_24_B_DEROGATION,)),
        4,
        C.TACIT_PERMIT,
        "R423-24 b",
    ),
    ("pc+2", dict(procedure="PC", majorations=(M.R423_25_E_AEC,)), 5, C.TACIT_PERMIT, "R423-25 e"),
    (
        "pc-erp",
        dict(procedure="PC", majorations=(M.R423_28_B_ERP_IGH,), flags={F.ERP}),
        5,
        C.TACIT_PERMIT,
        "R423-28 b",
    ),
    (
        "pc-national-commission",
        dict(procedure="PC", majorations=(M.R423_27_A_NATIONAL_COMMISSION,)),
        5,
        C.TACIT_PERMIT,
        "R423-27 a",
    ),
    (
        "pc-corse",
        dict(procedure="PC", majorations=(M.R423_27_B_ASSEMBLEE_CORSE,)),
        5,
        C.TACIT_PERMIT,
        "R423-27 b",
    ),
    (
        "pc-nature-reserve",
        dict(procedure="PC", majorations=(M.R423_27_C_NATIONAL_NATURE_RESERVE,)),
        5,
        C.TACIT_REFUSAL,
        "R423-27 c",
    ),
    (
        "pc-defrichement",
        dict(procedure="PC", majorations=(M.R423_29_DEFRICHEMENT,)),
        3,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pc-defrichement-reco",
        dict(procedure="PC", majorations=(M.R423_29_DEFRICHEMENT_RECONNAISSANCE,)),
        5,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pc-defrichement-enquete",
        dict(procedure="PC", majorations=(M.R423_29_DEFRICHEMENT_ENQUETE,)),
        7,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pc-defense",
        dict(procedure="PC", majorations=(M.R423_31_DEFENSE_AVIATION,)),
        5,
        C.TACIT_PERMIT,
        "R423-31",
    ),
    (
        "pc-sites-minister",
        dict(procedure="PC", majorations=(M.R423_31_SITES_MINISTER,)),
        8,
        C.TACIT_REFUSAL,
        "R423-31",
    ),
    (
        "pc-defense-icpe",
        dict(procedure="PC", majorations=(M.R423_31_DEFENSE_AVIATION_ICPE,)),
        10,
        C.TACIT_PERMIT,
        "R423-31",
    ),
    (
        "pc-fixed-beats-majoration",
        dict(procedure="PC", majorations=(M.R423_25_A_COMMISSION, M.R423_31_DEFENSE_AVIATION_ICPE)),
        10,
        C.TACIT_PERMIT,
        "R423-31",
    ),
    ("pc-r424-2", dict(procedure="PC", flags={F.SITE_CLASSE}), 3, C.TACIT_REFUSAL, "R424-2"),
    (
        "pc-demolition-site-inscrit",
        dict(procedure="PC", flags={F.DEMOLITION_IN_SITE_INSCRIT}),
        3,
        C.TACIT_REFUSAL,
        "R424-2",
    ),
    ("pc-r424-3", dict(procedure="PC", flags={F.ABF_REFUSAL}), 3, C.TACIT_REFUSAL, "R424-3"),
    ("pc-r424-2-1", dict(procedure="PC", flags={F.ENV_ASSESSMENT}), 3, C.TACIT_REFUSAL, "R424-2-1"),
    # PA (13409): as PC except ERP/IGH
    ("pa-base", dict(procedure="PA"), 3, C.TACIT_PERMIT, "R423-23 c"),
    (
        "pa+1",
        dict(procedure="PA", majorations=(M.R423_24_E_PUBLIC_PARTICIPATION,)),
        4,
        C.TACIT_PERMIT,
        "R423-24 e",
    ),
    (
        "pa+2",
        dict(procedure="PA", majorations=(M.R423_25_F_PPVE,)),
        5,
        C.TACIT_REFUSAL,
        "R423-25 f",
    ),
    (
        "pa-erp-not-applicable",
        dict(procedure="PA", majorations=(M.R423_28_B_ERP_IGH,)),
        3,
        C.TACIT_PERMIT,
        "R423-23 c",
    ),
    (
        "pa-national-commission",
        dict(procedure="PA", majorations=(M.R423_27_A_NATIONAL_COMMISSION,)),
        5,
        C.TACIT_PERMIT,
        "R423-27 a",
    ),
    (
        "pa-defrichement-enquete",
        dict(procedure="PA", majorations=(M.R423_29_DEFRICHEMENT_ENQUETE,)),
        7,
        C.TACIT_PERMIT,
        "R423-29",
    ),
    (
        "pa-sites-minister",
        dict(procedure="PA", majorations=(M.R423_31_SITES_MINISTER,)),
        8,
        C.TACIT_REFUSAL,
        "R423-31",
    ),
    ("pa-r424-2", dict(procedure="PA", flags={F.RESERVE_NATURELLE}), 3, C.TACIT_REFUSAL, "R424-2"),
    # Modificatif: as the parent type [?]
    (
        "modif-pcmi",
        dict(procedure="MODIFICATIF", parent_procedure="PCMI"),
        2,
        C.TACIT_PERMIT,
        "R423-23 b",
    ),
    (
        "modif-pc+1",
        dict(
            procedure="MODIFICATIF", parent_procedure="PC", majorations=(M.R423_24_C_SPR_ABORDS_MH,)
        ),
        4,
        C.TACIT_PERMIT,
        "R423-24 c",
    ),
    (
        "modif-pc-erp",
        dict(
            procedure="MODIFICATIF",
            parent_procedure="PC",
            majorations=(M.R423_28_B_ERP_IGH,),
            flags={F.IGH},
        ),
        5,
        C.TACIT_PERMIT,
        "R423-28 b",
    ),
    (
        "modif-dp",
        dict(procedure="MODIFICATIF", parent_procedure="DP"),
        1,
        C.TACIT_NON_OPPOSITION,
        "R423-23 a",
    ),
    (
        "modif-pc-r424-2",
        dict(procedure="MODIFICATIF", parent_procedure="PC", flags={F.MH_INSCRIT}),
        3,
        C.TACIT_REFUSAL,
        "R424-2",
    ),
    # CU: no majorations
    ("cua", dict(procedure="CUA"), 1, C.TACIT_CU, "R410-12"),
    (
        "cua-no-majoration",
        dict(procedure="CUA", majorations=(M.R423_24_C_SPR_ABORDS_MH,)),
        1,
        C.TACIT_CU,
        "R410-12",
    ),
    ("cub", dict(procedure="CUB"), 2, C.TACIT_CU, "R410-12"),
    (
        "cub-no-majoration",
        dict(procedure="CUB", majorations=(M.R423_27_A_NATIONAL_COMMISSION,)),
        2,
        C.TACIT_CU,
        "R410-12",
    ),
    # Prorogation
    (
        "prorogation-permit",
        dict(procedure="PROROGATION", parent_procedure="PC"),
        2,
        C.PROROGATION_GRANTED,
        "R424-23",
    ),
    (
        "prorogation-permit-default",
        dict(procedure="PROROGATION"),
        2,
        C.PROROGATION_GRANTED,
        "R424-23",
    ),
    (
        "prorogation-cu",
        dict(procedure="PROROGATION", parent_procedure="CUB"),
        2,
        C.PROROGATION_GRANTED,
        "R410-17-1",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "months", "consequence", "basis"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_table_delay_and_silence(kwargs, months, consequence, basis):
    found = by_name(Facts(filed=FILED, **kwargs))
    end = found["instruction_end"]
    tacit = found["tacit_decision"]
    assert end.date == add_months(FILED, months)
    assert (tacit.date - end.date).days == 1
    assert end.consequence is consequence
    assert tacit.consequence is consequence
    assert basis in end.basis + " " + tacit.basis


def test_table_cub_tacit_has_cua_effects_only():
    tacit = get(Facts("CUB", FILED), "tacit_decision")
    assert "effets d'un CUa" in tacit.explanation


def test_table_dp_pieces_not_supplied_gives_tacit_opposition():
    found = by_name(Facts("DP", FILED, pieces_requested=d("2026-03-20")))
    assert found["pieces_deadline"].date == d("2026-06-20")
    assert found["pieces_deadline"].consequence is C.TACIT_OPPOSITION
    assert found["tacit_decision"].date == d("2026-06-21")
    assert found["tacit_decision"].consequence is C.TACIT_OPPOSITION
    assert found["tacit_decision"].basis == "R423-39 b"
    assert "instruction_end" not in found


def test_table_permit_pieces_not_supplied_gives_tacit_refusal():
    found = by_name(Facts("PC", FILED, pieces_requested=d("2026-04-10")))
    assert found["tacit_decision"].consequence is C.TACIT_REFUSAL
    assert found["tacit_decision"].date == d("2026-07-11")


def test_table_dp_env_assessment_filed_before_31_dec_2025_keeps_non_opposition():
    found = by_name(Facts("DP", d("2025-12-30"), flags={F.ENV_ASSESSMENT}))
    assert found["tacit_decision"].consequence is C.TACIT_NON_OPPOSITION
    assert "R424-2-1 non applicable" in found["tacit_decision"].explanation
    on_day = by_name(Facts("DP", d("2025-12-31"), flags={F.ENV_ASSESSMENT}))
    assert on_day["tacit_decision"].consequence is C.TACIT_OPPOSITION


def test_table_sursis_confirmation_decision_within_two_months_else_tacit_permit():
    facts = Facts("PC", d("2025-01-15"), sursis_confirmation=d("2027-02-10"), flags={F.SITE_CLASSE})
    found = by_name(facts)
    assert found["instruction_end"].date == d("2027-04-10")
    assert found["instruction_end"].basis == "L424-1"
    assert found["tacit_decision"].date == d("2027-04-11")
    assert found["tacit_decision"].consequence is C.TACIT_PERMIT
    assert "prolongation_notice_deadline" not in found


@pytest.mark.parametrize(
    ("flags", "months", "basis"),
    [
        (set(), 3, "R462-6"),
        ({F.RECOLEMENT_COMPULSORY}, 5, "R462-7"),
        ({F.SPR}, 5, "R462-7"),
        ({F.ERP}, 5, "R462-7"),
        ({F.SITE_INSCRIT}, 5, "R462-7"),
        ({F.PPR_ZONE}, 5, "R462-7"),
    ],
)
def test_table_daact_conformity_contest(flags, months, basis):
    received = d("2027-05-31")
    found = by_name(Facts("DAACT", received, flags=flags))
    assert list(found) == ["conformity_contest_deadline"]
    deadline = found["conformity_contest_deadline"]
    assert deadline.date == add_months(received, months)
    assert deadline.consequence is C.NO_CONTEST_POSSIBLE
    assert basis in deadline.basis


# --- §3.18 second table: notification windows around the clock ----------------------------------

DECIDED = dict(decision_signed=d("2026-04-20"), decision_notified=d("2026-04-24"))


@pytest.mark.parametrize(
    ("name", "kwargs", "expected", "basis", "consequence"),
    [
        ("filing_notice_posting", {}, "2026-03-25", "R423-6", C.DEADLINE_ONLY),
        ("completeness_deadline", {}, "2026-04-10", "R423-38", C.DEEMED_COMPLETE),
        (
            "pieces_deadline",
            dict(pieces_requested=d("2026-03-31")),
            "2026-06-30",
            "R423-39",
            C.TACIT_REFUSAL,
        ),
        ("majoration_notice_deadline", {}, "2026-04-10", "R423-42", C.DEADLINE_ONLY),
        ("prolongation_notice_deadline", {}, "2026-06-10", "R423-44", C.DEADLINE_ONLY),
        (
            "consultation_answer_other",
            dict(consultations=(("other", d("2026-03-15")),)),
            "2026-04-15",
            "R423-59",
            C.TACIT_FAVOURABLE_OPINION,
        ),
        (
            "consultation_answer_abf",
            dict(consultations=(("ABF", d("2026-03-15")),), flags={F.SPR}),
            "2026-05-15",
            "R423-67",
            C.TACIT_FAVOURABLE_OPINION,
        ),
        (
            "consultation_answer_env_authority_regional",
            dict(consultations=((ServiceKind.ENV_AUTHORITY_REGIONAL, d("2026-03-15")),)),
            "2026-05-15",
            "R423-69-1",
            C.TACIT_FAVOURABLE_OPINION,
        ),
        (
            "consultation_answer_env_authority_national",
            dict(consultations=((ServiceKind.ENV_AUTHORITY_NATIONAL, d("2026-03-15")),)),
            "2026-06-15",
            "R423-69-1",
            C.TACIT_FAVOURABLE_OPINION,
        ),
        ("prefet_transmission", DECIDED, "2026-05-05", "CGCT L2131-2", C.DEADLINE_ONLY),
        ("mairie_posting", DECIDED, "2026-04-28", "R424-15", C.DEADLINE_ONLY),
        # 10 Jul 2026 is a Friday: no shift.
        (
            "deferre_deadline",
            dict(DECIDED, prefet_ack=d("2026-05-10")),
            "2026-07-10",
            "CGCT L2131-6",
            C.APPEAL_TIME_BARRED,
        ),
        ("retrait_deadline", DECIDED, "2026-07-20", "L424-5", C.NO_RETRAIT_POSSIBLE),
        # 2 Jun 2026 + 2 months = 2 Aug 2026, a Sunday: moved to Monday 3 Aug (appeal deadline).
        (
            "third_party_appeal_deadline",
            dict(DECIDED, site_posting_start=d("2026-06-02")),
            "2026-08-03",
            "R600-2",
            C.APPEAL_TIME_BARRED,
        ),
        (
            "third_party_appeal_outer_limit",
            dict(DECIDED, daact_received=d("2027-09-15")),
            "2028-03-15",
            "R600-3",
            C.APPEAL_TIME_BARRED,
        ),
        # 15 clear days from 1 Jul 2026: last day 17 Jul (Friday).
        (
            "appeal_notification_deadline",
            dict(DECIDED, appeal_filed=d("2026-07-01")),
            "2026-07-17",
            "R600-1",
            C.APPEAL_TIME_BARRED,
        ),
        (
            "recours_gracieux_deadline",
            dict(DECIDED, site_posting_start=d("2026-06-02")),
            "2026-07-02",
            "L600-12-2",
            C.APPEAL_TIME_BARRED,
        ),
        ("validity_end", DECIDED, "2029-04-24", "R424-17", C.LAPSE),
        ("prorogation_request_deadline", DECIDED, "2029-02-24", "R424-22", C.DEADLINE_ONLY),
    ],
)
def test_table_notification_windows(name, kwargs, expected, basis, consequence):
    deadline = get(Facts("PC", FILED, **kwargs), name)
    assert deadline.date == d(expected)
    assert basis in deadline.basis
    assert deadline.consequence is consequence
    assert deadline.explanation
