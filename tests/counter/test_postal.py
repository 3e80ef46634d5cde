"""Postal life (issue 23, §3): every letter and the decision are printed with the address in
the window of a DL envelope; the AR's date drives the clock like an electronic notification."""

from datetime import date

import pytest

from permits.decisions.content import (
    Judgement,
    decision_content,
    pieces_request_content,
    postal_block,
    recepisse_content,
)
from permits.decisions.rendering import render_pdf
from tests.decisions.conftest import FACTS, MAYOR
from tests.decisions.layout import overlaps, word_boxes
from tests.factories import filed_dossier, make_team
from workflow.clock import format_fr
from workflow.outcomes import Outcome
from workflow.states import State
from workflow.transitions import fire

MM = 72 / 25.4  # points per millimetre
# The window of a DL envelope (45 x 100 mm) as the folded A4 sheet shows through it.
WINDOW = {"left": 105 * MM, "right": 205 * MM, "top": 45 * MM, "bottom": 90 * MM}


def test_the_postal_block_puts_the_town_on_its_own_line_in_capitals():
    address = "Résidence Les Tilleuls, 3 rue des Lilas, 91360 Épinay-sur-Orge"
    assert postal_block("Mme Camille Martin", address) == (
        "Mme Camille Martin",
        "Résidence Les Tilleuls, 3 rue des Lilas",
        "91360 ÉPINAY-SUR-ORGE",
    )
    assert postal_block("Mme Camille Martin", "") == ("Mme Camille Martin",)


@pytest.mark.slow
@pytest.mark.parametrize(
    "build",
    [
        lambda: recepisse_content(FACTS, MAYOR, reference="URBA2026_00001",
                                  issued_on=date(2026, 1, 5), claim_code="ABCD-EFGH-JKMN"),
        lambda: pieces_request_content(FACTS, MAYOR, ("PCMI2 – plan de masse",),
                                       reference="URBA2026_00002", issued_on=date(2026, 1, 20)),
        lambda: decision_content(FACTS, Judgement(Outcome.GRANT), MAYOR,
                                 reference="URBA2026_00003", issued_on=date(2026, 3, 2)),
    ],
    ids=["recepisse", "demande-de-pieces", "arrete"],
)  # fmt: skip
def test_a_letter_shows_its_address_in_the_envelope_window(build, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(build().as_dict()))
    first_page = word_boxes(path)[0]
    # The top of the sheet (an arrêté repeats the addresses further down, in its visas).
    top = [b for b in first_page if b.y0 < 100 * MM]
    address = [b for b in top if b.text in ("Lilas", "91360", "ÉPINAY-SUR-ORGE")]
    assert len(address) == 3, [b.text for b in first_page][:40]
    for box in address:
        assert WINDOW["left"] <= box.x0 and box.x1 <= WINDOW["right"], box
        assert WINDOW["top"] <= box.y0 and box.y1 <= WINDOW["bottom"], box
    # Nothing else is printed in the window, and nothing overlaps.
    inside = [
        b
        for b in first_page
        if b.y0 >= WINDOW["top"] and b.y1 <= WINDOW["bottom"] and b.x0 >= WINDOW["left"]
    ]
    lines = (*FACTS.applicants, "3 rue des Lilas", "91360 ÉPINAY-SUR-ORGE")
    assert {b.text for b in inside} <= set(" ".join(lines).split())
    assert overlaps(path) == []


@pytest.mark.django_db
def test_the_ar_date_of_a_posted_decision_drives_the_clock(pki_dir, documents_root):
    from datetime import timedelta

    from django.utils import timezone

    from permits.decisions.issuing import issue_decision, sign_pending

    team = make_team()
    team.mayor.username = "maire"
    team.mayor.save()
    dossier = filed_dossier(team, "PCMI", on=timezone.localdate() - timedelta(days=10))
    dossier = fire(dossier, "declare_complete", actor=team.officer)
    dossier = fire(dossier, "propose_decision", actor=team.officer, outcome="grant")
    dossier = fire(dossier, "send_for_signature", actor=team.officer)
    sign_pending(issue_decision(dossier, team.mayor).pk)
    dossier.refresh_from_db()
    ar = timezone.localdate()  # the AR cannot precede the signature
    dossier = fire(dossier, "notify_decision", actor=team.officer, on=ar)
    assert dossier.decision_notified_on == ar and dossier.state in (State.NOTIFIED,
                                                                     State.EXECUTORY)  # fmt: skip
    # The validity of the permit runs from the notification the AR proves (R424-17).
    explained = " ".join(d.explanation for d in dossier.deadlines())
    assert f"notifiée le {format_fr(ar)}" in explained
