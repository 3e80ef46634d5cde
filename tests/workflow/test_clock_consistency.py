"""The clock follows the facts consistently (issue 16 §4): a majoration or a consultation that
implies an exception to the tacit grant derives it; facts that cannot be derived are refused."""

import pytest

from tests.workflow._helpers import by_name, d
from workflow.clock import Consequence as C
from workflow.clock import ExceptionFlag as F
from workflow.clock import Facts, Majoration, ServiceKind
from workflow.clock import MajorationReason as M
from workflow.clock.consistency import InconsistentFacts

FILED = d("2026-03-10")  # after 31 Dec 2025: R424-2-1 applies


@pytest.mark.parametrize(
    ("procedure", "majoration", "flag", "months", "basis", "note"),
    [
        ("PC", M.R423_28_A_MH_INSCRIT, F.MH_INSCRIT, 5, "R424-2", "Majoration R423-28 a"),
        ("PCMI", M.R423_28_A_MH_INSCRIT, F.MH_INSCRIT, 5, "R424-2", "Majoration R423-28 a"),
        ("PD", M.R423_28_A_MH_INSCRIT, F.MH_INSCRIT, 5, "R424-2", "Majoration R423-28 a"),
        (
            "PC",
            M.R423_27_C_NATIONAL_NATURE_RESERVE,
            F.RESERVE_NATURELLE,
            5,
            "R424-2",
            "Majoration R423-27 c",
        ),
        (
            "PA",
            M.R423_31_SITES_MINISTER,
            F.MINISTERIAL_AUTHORISATION,
            8,
            "R424-2",
            "ministre chargé des sites",
        ),
        ("PC", M.R423_25_F_PPVE, F.ENV_ASSESSMENT, 5, "R424-2-1", "L123-19 I 1°"),
    ],
)
def test_a_majoration_implying_an_exception_gives_a_tacit_refusal(
    procedure, majoration, flag, months, basis, note
):
    facts = Facts(procedure, FILED, majorations=(Majoration(majoration, d("2026-03-20")),))
    assert flag in facts.flags
    found = by_name(facts)
    tacit = found["tacit_decision"]
    assert tacit.consequence is C.TACIT_REFUSAL
    assert tacit.basis == basis
    assert note in tacit.explanation
    assert found["instruction_end"].date == d(f"2026-{3 + months:02d}-10")


def test_the_same_facts_given_as_a_flag_or_derived_give_the_same_clock():
    derived = Facts("PC", FILED, majorations=(M.R423_28_A_MH_INSCRIT,))
    stated = Facts("PC", FILED, majorations=(M.R423_28_A_MH_INSCRIT,), flags={F.MH_INSCRIT})
    assert derived == stated
    assert [(x.name, x.date, x.consequence) for x in by_name(derived).values()] == [
        (x.name, x.date, x.consequence) for x in by_name(stated).values()
    ]


def test_a_late_majoration_moves_no_date_but_its_situation_still_forbids_the_tacit_permit():
    late = by_name(
        Facts("PC", FILED, majorations=(Majoration(M.R423_28_A_MH_INSCRIT, d("2026-05-01")),))
    )
    assert late["instruction_end"].date == d("2026-06-10")  # base délai: R423-42, n°462511
    assert late["tacit_decision"].consequence is C.TACIT_REFUSAL  # still an MH inscrit: R424-2


def test_a_majoration_that_cannot_concern_the_type_says_nothing_of_the_project():
    facts = Facts("DP", FILED, majorations=(M.R423_28_A_MH_INSCRIT,))  # R423-28: permits only
    assert F.MH_INSCRIT not in facts.flags
    assert by_name(facts)["tacit_decision"].consequence is C.TACIT_NON_OPPOSITION


def test_r424_2_never_applies_to_a_dp_even_when_derived():
    facts = Facts("DP", FILED, majorations=(M.R423_27_C_NATIONAL_NATURE_RESERVE,))
    assert F.RESERVE_NATURELLE in facts.flags  # a fact of the site (R462-7 récolement)
    tacit = by_name(facts)["tacit_decision"]
    assert tacit.consequence is C.TACIT_NON_OPPOSITION  # CE 26 Oct 2012 n°350737
    assert by_name(facts)["instruction_end"].date == d("2026-05-10")  # R423-27 c: DP 2 months


def test_ppve_on_a_dp_filed_from_31_december_2025_gives_a_tacit_opposition():
    assert (
        by_name(Facts("DP", FILED, majorations=(M.R423_25_F_PPVE,)))["tacit_decision"].consequence
        is C.TACIT_OPPOSITION
    )
    before = by_name(Facts("DP", d("2025-06-02"), majorations=(M.R423_25_F_PPVE,)))
    assert before["tacit_decision"].consequence is C.TACIT_NON_OPPOSITION
    assert "R424-2-1 non applicable" in before["tacit_decision"].explanation


@pytest.mark.parametrize(
    "kind", [ServiceKind.ENV_AUTHORITY_REGIONAL, ServiceKind.ENV_AUTHORITY_NATIONAL]
)
def test_consulting_the_environmental_authority_means_an_environmental_assessment(kind):
    facts = Facts("PC", FILED, consultations=((kind, d("2026-03-15")),))
    assert F.ENV_ASSESSMENT in facts.flags
    tacit = by_name(facts)["tacit_decision"]
    assert (tacit.consequence, tacit.basis) == (C.TACIT_REFUSAL, "R424-2-1")
    assert "Autorité environnementale consultée (R423-69-1)" in tacit.explanation


def test_spr_or_abords_majoration_makes_the_abf_accord_required_two_months():
    facts = Facts(
        "PC",
        FILED,
        majorations=(M.R423_24_C_SPR_ABORDS_MH,),
        consultations=((ServiceKind.ABF, d("2026-03-12")),),
    )
    assert F.ABF_ACCORD_REQUIRED in facts.flags
    found = by_name(facts)
    assert found["consultation_answer_abf"].date == d("2026-05-12")  # R423-67
    assert found["tacit_decision"].consequence is C.TACIT_PERMIT  # no refusal of the ABF


def test_abf_refusal_implies_the_accord_and_demolition_in_site_inscrit_the_site():
    refusal = Facts("PC", FILED, flags={F.ABF_REFUSAL})
    assert F.ABF_ACCORD_REQUIRED in refusal.flags
    assert by_name(refusal)["tacit_decision"].basis == "R424-3"
    demolition = Facts("PC", FILED, flags={F.DEMOLITION_IN_SITE_INSCRIT})
    assert F.SITE_INSCRIT in demolition.flags


def test_defence_consultation_is_not_an_authorisation_and_derives_nothing():
    facts = Facts("PC", FILED, majorations=(M.R423_31_DEFENSE_AVIATION,))
    assert facts.flags == frozenset()
    assert by_name(facts)["tacit_decision"].consequence is C.TACIT_PERMIT


@pytest.mark.parametrize("procedure", ["PC", "MODIFICATIF"])
def test_erp_igh_majoration_without_saying_which_is_refused_in_french(procedure):
    parent = "PC" if procedure == "MODIFICATIF" else None
    with pytest.raises(InconsistentFacts, match="qualifiez le dossier ERP ou IGH"):
        Facts(procedure, FILED, majorations=(M.R423_28_B_ERP_IGH,), parent_procedure=parent)
    for flag in (F.ERP, F.IGH):
        facts = Facts(
            procedure,
            FILED,
            majorations=(M.R423_28_B_ERP_IGH,),
            flags={flag},
            parent_procedure=parent,
        )
        assert by_name(facts)["instruction_end"].date == d("2026-08-10")


def test_erp_igh_majoration_on_a_type_it_cannot_concern_is_only_without_effect():
    facts = Facts("PA", FILED, majorations=(M.R423_28_B_ERP_IGH,))  # R423-28 b: PC only
    assert "cas non applicable" in by_name(facts)["instruction_end"].explanation


# --- the same rule where the officer records the facts (workflow transitions) -----------------


@pytest.mark.django_db
def test_the_officer_cannot_store_facts_the_clock_refuses():
    from datetime import date

    from permits.models import Dossier
    from tests.factories import filed_dossier, make_team
    from workflow.errors import TransitionRefused
    from workflow.transitions import fire

    team = make_team()
    dossier = filed_dossier(team, "PC", on=date(2026, 1, 5))
    with pytest.raises(TransitionRefused, match="qualifiez le dossier ERP ou IGH"):
        fire(dossier, "notify_majoration", actor=team.officer, reason="R423_28_B_ERP_IGH",
             on=date(2026, 1, 20))  # fmt: skip
    dossier = fire(dossier, "qualify", actor=team.officer, flags=["ERP"])
    dossier = fire(dossier, "notify_majoration", actor=team.officer, reason="R423_28_B_ERP_IGH",
                   on=date(2026, 1, 20))  # fmt: skip
    assert dossier.deadline("instruction_end").date == d("2026-06-05")  # 5 months, R423-28 b
    with pytest.raises(TransitionRefused, match="qualifiez le dossier ERP ou IGH"):
        fire(dossier, "qualify", actor=team.officer, flags=[])
    assert Dossier.objects.get(pk=dossier.pk).flags == ["ERP"]
    # The R423-28 a majoration gives the R424-2 tacit refusal on the dossier page's clock too.
    other = filed_dossier(team, "PC", on=date(2026, 1, 5))
    other = fire(other, "notify_majoration", actor=team.officer, reason="R423_28_A_MH_INSCRIT",
                 on=date(2026, 1, 20))  # fmt: skip
    tacit = other.deadline("tacit_decision")
    assert (tacit.date, tacit.consequence, tacit.basis) == (
        d("2026-06-06"),
        C.TACIT_REFUSAL,
        "R424-2",
    )


def test_a_situation_without_its_majoration_keeps_the_delai_and_says_why():
    found = by_name(Facts("PC", FILED, flags={F.MH_INSCRIT, F.ABORDS_MH}))
    end = found["instruction_end"]
    assert end.date == d("2026-06-10")  # 3 months: nothing notified (R423-42, n°462511)
    assert "sans majoration R423-28 a notifiée dans le mois du dépôt" in end.explanation
    assert "sans majoration R423-24 c notifiée" in end.explanation
    assert found["tacit_decision"].consequence is C.TACIT_REFUSAL  # R424-2 holds anyway
    # Once a majoration lengthens the délai, nothing more is said; nor for a type it cannot
    # concern (R423-28 b: PC only).
    majored = by_name(
        Facts("PC", FILED, flags={F.MH_INSCRIT}, majorations=(M.R423_28_A_MH_INSCRIT,))
    )
    assert "sans majoration" not in majored["instruction_end"].explanation
    pcmi = by_name(Facts("PCMI", FILED, flags={F.ERP}))
    assert "sans majoration" not in pcmi["instruction_end"].explanation
