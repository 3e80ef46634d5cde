"""`manage.py deadlines`: the stable "what if" interface, run as integrators run it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "deadlines", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_prints_every_deadline_as_json_with_its_basis():
    result = run("--type", "PCMI", "--filed", "2026-01-01")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["procedure"] == "PCMI" and report["filed"] == "2026-01-01"
    by_name = {d["name"]: d for d in report["deadlines"]}
    assert by_name["instruction_end"]["date"] == "2026-03-01"
    assert by_name["tacit_decision"] == by_name["tacit_decision"] | {
        "date": "2026-03-02",
        "consequence": "tacit_permit",
    }
    assert "R423-23 b" in by_name["instruction_end"]["basis"]
    for deadline in report["deadlines"]:
        assert list(deadline) == [
            "name",
            "label",
            "date",
            "consequence",
            "consequence_label",
            "basis",
            "explanation",
        ]


def test_what_if_pieces_majoration_and_flags():
    result = run(
        "--type",
        "PC",
        "--filed",
        "2026-01-05",
        "--pieces-requested",
        "2026-01-20",
        "--pieces-received",
        "2026-02-10",
        "--majoration",
        "R423_24_C_SPR_ABORDS_MH",
        "--flag",
        "ABORDS_MH",
    )
    assert result.returncode == 0, result.stderr
    by_name = {d["name"]: d for d in json.loads(result.stdout)["deadlines"]}
    # PC 3 months + 1 (R423-24 c) from the receipt of the pieces (R423-39 c).
    assert by_name["instruction_end"]["date"] == "2026-06-10"


def test_bad_input_is_refused_with_the_valid_values():
    result = run("--type", "PCMI", "--filed", "2026-01-01", "--majoration", "NOPE")
    assert result.returncode != 0
    assert "R423_24_C_SPR_ABORDS_MH" in result.stderr


def test_a_majoration_that_implies_r424_2_gives_a_tacit_refusal():
    """Issue 16: a PC with the R423-28 a majoration (works on an MH inscrit) returned a tacit
    permit although R424-2 makes silence a refusal there."""
    result = run("--type", "PC", "--filed", "2026-03-10", "--majoration", "R423_28_A_MH_INSCRIT")
    assert result.returncode == 0, result.stderr
    tacit = {d["name"]: d for d in json.loads(result.stdout)["deadlines"]}["tacit_decision"]
    assert (tacit["date"], tacit["consequence"], tacit["basis"]) == (
        "2026-08-11",
        "tacit_refusal",
        "R424-2",
    )
    assert "Majoration R423-28 a" in tacit["explanation"]


def test_a_question_from_the_decision_needs_no_filing_date():
    result = run(
        "--type", "PC", "--decision-signed", "2026-03-10", "--decision-notified", "2026-03-12",
        "--prefet-ack", "2026-03-16", "--site-posting", "2026-03-20", "--appeal-filed",
        "2026-04-02",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["filed"] is None
    dates = {d["name"]: d["date"] for d in report["deadlines"]}
    assert dates["prefet_transmission"] == "2026-03-25"
    assert dates["deferre_deadline"] == "2026-05-18"  # 16 May is a Saturday: next working day
    assert dates["third_party_appeal_deadline"] == "2026-05-20"
    assert dates["appeal_notification_deadline"] == "2026-04-20"  # 18 Apr: Saturday
    assert "tacit_decision" not in dates


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--type", "PC", "--filed", "2026-02-30"), "date invalide « 2026-02-30 »"),
        (("--type", "PC"), "indiquez la date de dépôt (--filed)"),
        (
            ("--type", "PC", "--decision-signed", "2026-03-10", "--prefet-ack", "2026-03-01"),
            "L'accusé de réception de la préfecture (01/03/2026) ne peut précéder la signature",
        ),
        (
            ("--type", "PC", "--filed", "2026-01-05", "--majoration", "R423_28_B_ERP_IGH"),
            "qualifiez le dossier ERP ou IGH",
        ),
        (("--type", "PC", "--filed", "2026-01-05", "--nope"), "option inconnue : --nope"),
    ],
)
def test_bad_input_prints_a_french_message_and_exits_2_without_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith("deadlines : erreur : ")
    assert "Traceback" not in result.stderr
