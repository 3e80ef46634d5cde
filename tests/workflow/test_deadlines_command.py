"""`manage.py deadlines`: the stable "what if" interface, run as integrators run it."""

import json
import subprocess
import sys
from pathlib import Path

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
