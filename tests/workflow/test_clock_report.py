"""JSON report and command-line parsing (`manage.py deadlines` backend)."""

import json

import pytest

from tests.workflow._helpers import d
from workflow.clock import (
    CliError,
    Consequence,
    ExceptionFlag,
    Facts,
    Majoration,
    MajorationReason,
    ServiceKind,
    compute_deadlines,
    facts_from_cli,
    to_json_dict,
)


def test_json_shape_is_stable():
    facts = Facts("PCMI", d("2026-01-31"))
    data = to_json_dict(compute_deadlines(facts), facts)
    assert list(data) == ["procedure", "filed", "deadlines"]
    assert data["procedure"] == "PCMI"
    assert data["filed"] == "2026-01-31"
    keys = ["name", "label", "date", "consequence", "consequence_label", "basis", "explanation"]
    for item in data["deadlines"]:
        assert list(item) == keys
        assert all(isinstance(value, str) for value in item.values())
    tacit = next(x for x in data["deadlines"] if x["name"] == "tacit_decision")
    assert tacit == {
        "name": "tacit_decision",
        "label": "Date de la décision tacite",
        "date": "2026-04-01",
        "consequence": "tacit_permit",
        "consequence_label": "permis tacite",
        "basis": "L424-2, R424-1 b",
        "explanation": tacit["explanation"],
    }
    json.dumps(data, ensure_ascii=False)  # serialisable as is


def test_consequence_values_are_unique_snake_case_ids():
    values = [c.value for c in Consequence]
    assert len(values) == len(set(values))
    assert all(v == v.lower() and " " not in v for v in values)


def test_facts_from_cli_full():
    facts = facts_from_cli(
        [
            "--type",
            "pcmi",
            "--filed",
            "2026-01-31",
            "--pieces-requested",
            "2026-02-10",
            "--pieces-received",
            "2026-03-01",
            "--majoration",
            "r423_24_c_spr_abords_mh",
            "R423-25-E-AEC",
            "--majoration",
            "R423_24_C_SPR_ABORDS_MH",
            "--flag",
            "spr",
            "ABF_ACCORD_REQUIRED",
            "--decision-notified",
            "2026-06-01",
        ]
    )
    assert facts == Facts(
        "PCMI",
        d("2026-01-31"),
        pieces_requested=d("2026-02-10"),
        pieces_received=d("2026-03-01"),
        majorations=(
            Majoration(MajorationReason.R423_24_C_SPR_ABORDS_MH),
            Majoration(MajorationReason.R423_25_E_AEC),
        ),
        flags={ExceptionFlag.SPR, ExceptionFlag.ABF_ACCORD_REQUIRED},
        decision_notified=d("2026-06-01"),
    )


def test_facts_from_cli_minimal_and_modificatif():
    assert facts_from_cli(["--type", "DP", "--filed", "2026-01-21"]) == Facts("DP", d("2026-01-21"))
    modif = facts_from_cli(
        ["--type", "modificatif", "--filed", "2026-01-21", "--parent-type", "pc"]
    )
    assert (modif.procedure, modif.parent_procedure) == ("MODIFICATIF", "PC")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--filed", "2026-01-31"], "option obligatoire : --type"),
        (["--type", "PCMI"], "indiquez la date de dépôt"),
        (["--type", "XX", "--filed", "2026-01-31"], "type de demande inconnu « XX »"),
        (["--type", "PCMI", "--filed", "31/01/2026"], "format AAAA-MM-JJ"),
        (["--type", "PCMI", "--filed", "2026-02-30"], "date invalide « 2026-02-30 »"),
        (
            ["--type", "PCMI", "--filed", "2026-01-31", "--majoration", "SPR"],
            "valeurs possibles : R423_24_A_OTHER_LEGISLATION",
        ),
        (
            ["--type", "PCMI", "--filed", "2026-01-31", "--flag", "nope"],
            "cas inconnu « nope » ; valeurs possibles : R424_2_CASE",
        ),
        (["--type", "PCMI", "--filed", "2026-01-31", "--majoration"], "au moins une valeur"),
        (["--type", "MODIFICATIF", "--filed", "2026-01-31"], "type du permis parent"),
        (
            ["--type", "PC", "--filed", "2026-01-31", "--pieces-received", "2026-02-01"],
            "suppose une demande de pièces",
        ),
        (["--type", "PC", "--filed", "2026-01-31", "--unknown"], "option inconnue : --unknown"),
        (
            [
                "--type",
                "PC",
                "--decision-signed",
                "2026-03-10",
                "--decision-notified",
                "2026-03-01",
            ],
            r"La notification de la décision \(01/03/2026\) ne peut précéder la signature",
        ),
        (
            ["--type", "PC", "--filed", "2026-01-31", "--majoration", "R423_28_B_ERP_IGH"],
            "qualifiez le dossier ERP ou IGH",
        ),
        (["--type", "PC", "--filed", "2026-01-31", "--refused"], "--refused suppose"),
        (["--type", "PC", "--filed", "2026-01-31", "--consultation", "abf"], "abf:AAAA-MM-JJ"),
        (["--type", "PC", "--filed", "2026-01-31", "--prorogations", "-1"], "entier positif"),
        (
            [
                "--type",
                "PC",
                "--majoration",
                "R423_24_C_SPR_ABORDS_MH",
                "--decision-signed",
                "2026-03-10",
            ],
            "se comptent depuis le dépôt",
        ),
    ],
)
def test_facts_from_cli_errors_are_french(args, message):
    with pytest.raises(CliError, match=message):
        facts_from_cli(args)


def test_cli_error_lists_every_valid_value():
    with pytest.raises(CliError) as info:
        facts_from_cli(["--type", "PC", "--filed", "2026-01-31", "--flag", "x"])
    for member in ExceptionFlag:
        assert member.name in str(info.value)


def test_facts_from_cli_reaches_every_fact_of_the_clock():
    facts = facts_from_cli(
        [
            "--type", "PC", "--filed", "2026-01-05",
            "--majoration", "R423_24_C_SPR_ABORDS_MH:2026-01-20",
            "--consultation", "abf:2026-01-12",
            "--decision-signed", "2026-05-02", "--decision-notified", "2026-05-04",
            "--prefet-ack", "2026-05-06", "--site-posting", "2026-05-10",
            "--appeal-filed", "2026-06-01", "--daact-received", "2027-09-01",
            "--prorogations", "1",
        ]
    )  # fmt: skip
    assert facts == Facts(
        "PC",
        d("2026-01-05"),
        majorations=(Majoration(MajorationReason.R423_24_C_SPR_ABORDS_MH, d("2026-01-20")),),
        consultations=((ServiceKind.ABF, d("2026-01-12")),),
        decision_signed=d("2026-05-02"),
        decision_notified=d("2026-05-04"),
        prefet_ack=d("2026-05-06"),
        site_posting_start=d("2026-05-10"),
        appeal_filed=d("2026-06-01"),
        daact_received=d("2027-09-01"),
        prorogations_granted=1,
    )
    names = {x.name: x.date for x in compute_deadlines(facts)}
    assert names["prefet_transmission"] == d("2026-05-17")  # signature + 15 days (L2131-2)
    assert names["deferre_deadline"] == d("2026-07-06")  # AR + 2 months (L2131-6)
    assert names["third_party_appeal_deadline"] == d("2026-07-10")  # posting + 2 months
    assert names["appeal_notification_deadline"] == d("2026-06-17")  # R600-1
    assert names["validity_end"] == d("2030-05-04")  # 3 years + 1 prorogation
    # ABF on a permit in abords: two months (R423-67), the accord derived from R423-24 c.
    assert names["consultation_answer_abf"] == d("2026-03-12")


def test_a_question_may_start_from_the_decision_without_a_filing_date():
    facts = facts_from_cli(
        ["--type", "PC", "--decision-signed", "2026-03-10", "--refused", "--decision-notified",
         "2026-03-12"]
    )  # fmt: skip
    assert facts.filed is None and facts.decision_refused
    data = to_json_dict(compute_deadlines(facts), facts)
    assert data["filed"] is None
    # A refusal: no transmission, no validity, no retrait window; no instruction clock either.
    assert data["deadlines"] == []
    granted = facts_from_cli(["--type", "PC", "--decision-signed", "2026-03-10"])
    assert [x.name for x in compute_deadlines(granted)] == ["prefet_transmission"]
