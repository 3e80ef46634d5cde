"""Guards only in the state machine (issue 21, item 2): the délais that refuse an act (the
retrait window of L424-5, the pieces-request month of R423-38/R423-41) are computed by the
clock and compared by `workflow.models.instruction` alone; the views and the acts ask it and
show its French reason with its article. Changing the rule's constant changes the guard and the
act's text together, which a copy of the rule elsewhere would contradict."""

import importlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from tests.factories import filed_dossier
from tests.officer import test_after_decision as after_decision
from workflow.clock import add_months, format_fr
from workflow.errors import TransitionRefused
from workflow.transitions import fire

pytestmark = pytest.mark.django_db
# The after-decision tests' fixtures (a team with a signing key, the officer's act) and helpers.
team, act = after_decision.team, after_decision.act
executory, text = after_decision.executory, after_decision.text
ROOT = Path(__file__).resolve().parents[2]
# The modules, not the functions of the same name that workflow.clock exports.
WINDOWS = importlib.import_module("workflow.clock.windows")
INSTRUCTION = importlib.import_module("workflow.clock.instruction")


def _decided(dossier: Dossier) -> date:
    return timezone.localdate(dossier.decision_signed_at)


# --- the retrait window (L424-5) ------------------------------------------------------------


def test_the_closed_retrait_window_shows_the_machine_s_reason_and_article(client, team):
    d = executory(team, signed_days_ago=100)
    refusal = Dossier.objects.get(pk=d.pk).retrait_refusal(timezone.localdate())
    assert isinstance(refusal, TransitionRefused) and refusal.article == "L424-5"
    last = format_fr(add_months(_decided(d), 3))
    assert str(refusal) == f"Le retrait n'est possible que jusqu'au {last} (L424-5)."
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    assert f"Délai de retrait expiré. Le retrait n'est possible que jusqu'au {last} (L424-5)." in (
        page
    )
    assert "Engager une procédure de retrait" not in page  # no form for a closed window
    assert "Procédure contradictoire engagée" not in page  # nor a procedure never started


def test_an_open_retrait_window_is_no_refusal(client, team):
    d = executory(team, signed_days_ago=10)
    assert Dossier.objects.get(pk=d.pk).retrait_refusal(timezone.localdate()) is None
    client.force_login(team.officer)
    page = text(client.get(f"/instruction/{d.pk}/"))
    assert "Délai de retrait : ouvert jusqu'au" in page and "Délai de retrait expiré" not in page
    assert "Engager une procédure de retrait" in page


def test_the_machine_refuses_a_second_retrait_letter(team):
    d = executory(team, signed_days_ago=5)
    grounds = {"grounds": ["Permis obtenu par fraude"]}  # the letter needs them
    d = fire(d, "announce_retrait", actor=team.officer, on=timezone.localdate(), payload=grounds)
    with pytest.raises(TransitionRefused, match="déjà engagée"):
        fire(d, "announce_retrait", actor=team.officer, on=timezone.localdate(), payload=grounds)


def test_the_retrait_window_s_constant_moves_the_guard_and_the_letter_together(
    client, team, act, monkeypatch
):
    """With four months instead of three, a decision of 100 days ago may still be withdrawn:
    the machine lets the act through and the letter prints the machine's date. A builder or a
    view restating "three months" would refuse it or print another date."""
    d = executory(team, signed_days_ago=100)
    monkeypatch.setattr(WINDOWS, "RETRAIT_MONTHS", 4)
    page = act(d, "engager-retrait", grounds="Hauteur excessive")
    assert "Procédure de retrait engagée" in page
    letter = IssuedDocument.objects.get(dossier=d, kind=DocumentKind.RETRAIT_NOTICE)
    later = format_fr(add_months(_decided(d), 4))
    assert f"soit au plus tard le {later} (article L424-5" in str(letter.content)


# --- the pieces-request month (R423-38, R423-41) -------------------------------------------


def test_a_late_pieces_request_is_refused_by_the_machine_with_its_article(client, team):
    d = filed_dossier(team, "PCMI", on=date(2026, 1, 5))
    refusal = d.pieces_request_refusal(date(2026, 3, 1))
    assert refusal is not None and refusal.article == "R423-41"
    assert "a expiré le 5 février 2026" in str(refusal)
    assert d.pieces_request_refusal(date(2026, 2, 5)) is None  # the last day of the month
    client.force_login(team.officer)
    response = client.post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["PCMI2"], "on": "2026-03-01"},
        follow=True,
    )
    assert str(refusal) in text(response)
    assert not IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.PIECES_REQUEST).exists()


def test_the_pieces_month_s_constant_moves_the_guard_and_the_letter_together(
    client, team, monkeypatch
):
    """With two months, a request 40 days after filing is accepted and its letter issued: the
    letter's builder does not keep its own month (it would refuse, and the letter be lost)."""
    filed = timezone.localdate() - timedelta(days=40)
    d = filed_dossier(team, "PCMI", on=filed)
    monkeypatch.setattr(INSTRUCTION, "COMPLETENESS_MONTHS", 2)
    client.force_login(team.officer)
    client.post(
        f"/instruction/{d.pk}/acte/request_pieces/",
        {"state": "deposited", "pieces": ["PCMI2"], "on": timezone.localdate().isoformat()},
    )
    assert Dossier.objects.get(pk=d.pk).pieces_requested == ["PCMI2"]
    assert IssuedDocument.objects.filter(dossier=d, kind=DocumentKind.PIECES_REQUEST).exists()


# --- one place for each rule ------------------------------------------------------------------


def _sources(*rooms: str):
    for room in rooms:
        for path in sorted((ROOT / room).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text()


def test_no_view_or_act_compares_a_date_with_a_legal_window():
    """Views and document builders print the machine's dates; only the machine compares."""
    comparison = re.compile(
        r"(>|<|>=|<=)\s*\w*(window|deadline|retrait|completeness|tacit)\w*(\.date)?\b"
        r"|\b\w*(window|deadline|tacit)\w*(\.date)?\s*(>|<|>=|<=)\s*(today|on|issued_on)\b"
    )
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path, source in _sources("permits/views", "permits/decisions")
        for line in source.splitlines()
        if comparison.search(line)
    ]
    assert found == []


def test_the_rules_are_written_once():
    """The refusal texts live in the machine, the months in the clock's rules, and the
    procedures without an executory branch in one named set (`has_executory_branch`)."""
    once = {
        "n'est possible que jusqu'au": "workflow/models/instruction.py",
        "pour demander des pièces a expiré": "workflow/models/instruction.py",
        '"PROROGATION", "TRANSFERT"': "workflow/clock/rules.py",
        "RETRAIT_MONTHS = ": "workflow/clock/rules.py",
        "COMPLETENESS_MONTHS = ": "workflow/clock/rules.py",
        "APPEAL_MONTHS = ": "workflow/clock/rules.py",
    }
    for needle, home in once.items():
        where = [
            str(path.relative_to(ROOT))
            for path, source in _sources("workflow", "permits", "api", "privacy", "config")
            if needle in source
        ]
        assert where == [home], needle


# --- the procedures without an executory branch (§8.5) -----------------------------------------


@pytest.mark.parametrize(
    ("procedure", "executory_branch"),
    [
        ("PCMI", True),
        ("PC", True),
        ("PA", True),
        ("PD", True),
        ("DP", True),
        ("CUA", False),
        ("CUB", False),
        ("PROROGATION", False),
        ("TRANSFERT", False),
    ],
)
def test_only_permits_and_declarations_become_executory(procedure, executory_branch):
    assert Dossier(procedure=procedure).has_executory_branch is executory_branch
