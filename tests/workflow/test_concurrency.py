"""20 conflicting acts at once on one dossier: one winner, clear errors for the others, and
exactly one event written (issue: invalid or stale attempts never silently overwrite)."""

import threading
from datetime import date

import pytest
from django.db import connection

from permits.models import Dossier
from tests.factories import filed_dossier
from workflow.errors import TransitionRefused
from workflow.models import Event
from workflow.states import State
from workflow.transitions import fire

ATTEMPTS = 20


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_twenty_conflicting_transitions_give_one_winner_and_one_event(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    events_before = Event.objects.filter(dossier=d).count()
    # Half try to declare the dossier complete, half to request pieces: the two exclude each
    # other (both leave the "deposited" state). Each request names a piece of the PCMI list
    # (PCMI1..PCMI8): its letter must be writable, or that act is refused for its own reason.
    acts = [
        ("declare_complete", {})
        if i % 2
        else ("request_pieces", {"pieces": [f"PCMI{i % 8 + 1}"], "on": date(2026, 1, 20)})
        for i in range(ATTEMPTS)
    ]
    barrier = threading.Barrier(ATTEMPTS)
    outcomes = []

    def attempt(name, kwargs):
        try:
            seen = Dossier.objects.get(pk=d.pk)  # each tab loaded the dossier as "deposited"
            barrier.wait(timeout=30)
            fire(seen, name, actor=team.officer, **kwargs)
            outcomes.append(("won", name))
        except TransitionRefused as refusal:
            outcomes.append(("refused", str(refusal)))
        except Exception as exc:  # anything else is a bug
            outcomes.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=act) for act in acts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    winners = [o for o in outcomes if o[0] == "won"]
    refusals = [o for o in outcomes if o[0] == "refused"]
    assert len(outcomes) == ATTEMPTS
    assert len(winners) == 1, outcomes
    assert len(refusals) == ATTEMPTS - 1, outcomes
    assert all("entre-temps" in message for _, message in refusals)
    d.refresh_from_db()
    expected = State.UNDER_INSTRUCTION if winners[0][1] == "declare_complete" else State.INCOMPLETE
    assert d.state == expected
    assert Event.objects.filter(dossier=d).count() == events_before + 1
    assert d.event_count == events_before + 1
