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
        (["--filed", "2026-01-31"], "--type"),
        (["--type", "PCMI"], "--filed"),
        (["--type", "XX", "--filed", "2026-01-31"], "unknown procedure code 'XX'; known: PCMI"),
        (["--type", "PCMI", "--filed", "31/01/2026"], "expected YYYY-MM-DD"),
        (["--type", "PCMI", "--filed", "2026-02-30"], "invalid date"),
        (
            ["--type", "PCMI", "--filed", "2026-01-31", "--majoration", "SPR"],
            "valid values: R423_24_A_OTHER_LEGISLATION",
        ),
        (
            ["--type", "PCMI", "--filed", "2026-01-31", "--flag", "nope"],
            "invalid ExceptionFlag 'nope'; valid values: R424_2_CASE",
        ),
        (["--type", "PCMI", "--filed", "2026-01-31", "--majoration"], "expected at least one"),
        (["--type", "MODIFICATIF", "--filed", "2026-01-31"], "parent_procedure"),
        (
            ["--type", "PC", "--filed", "2026-01-31", "--pieces-received", "2026-02-01"],
            "without pieces_requested",
        ),
        (["--type", "PC", "--filed", "2026-01-31", "--unknown"], "unrecognized arguments"),
    ],
)
def test_facts_from_cli_errors(args, message):
    with pytest.raises(CliError, match=message):
        facts_from_cli(args)


def test_cli_error_lists_every_valid_value():
    with pytest.raises(CliError) as info:
        facts_from_cli(["--type", "PC", "--filed", "2026-01-31", "--flag", "x"])
    for member in ExceptionFlag:
        assert member.name in str(info.value)
