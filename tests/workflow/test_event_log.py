"""The event log is append-only in the database and hash-chained (§8.1, issue: audit)."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from tests.factories import filed_dossier
from workflow.events import verify_chain
from workflow.models import Event
from workflow.transitions import fire


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_events(team):
    d = filed_dossier(team)
    event = Event.objects.get(dossier=d)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(kind="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.kind == "submit"


@pytest.mark.django_db
def test_each_event_links_to_the_previous_one(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    d = fire(d, "declare_complete", actor=team.officer)
    first, second = Event.objects.filter(dossier=d).order_by("sequence")
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash
    assert (d.event_count, d.event_head) == (2, second.hash)
    assert verify_chain(d) == []


def _two_events(team):
    d = filed_dossier(team, on=date(2026, 1, 5))
    return fire(d, "declare_complete", actor=team.officer)


@pytest.mark.django_db(transaction=True)
def test_verify_events_detects_an_event_altered_by_a_superuser(team, superuser_cursor, capsys):
    d = _two_events(team)
    call_command("verify_events")
    assert "event log intact: 1 dossiers checked" in capsys.readouterr().out
    superuser_cursor.execute("SET session_replication_role = replica")  # triggers off
    superuser_cursor.execute(
        "UPDATE workflow_event SET payload = '{\"forged\": true}' "
        "WHERE dossier_id = %s AND sequence = 1",
        [d.pk],
    )
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_events")
    assert "event #1: content was altered" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_verify_events_detects_a_removed_event(team, superuser_cursor, capsys):
    d = _two_events(team)
    superuser_cursor.execute("SET session_replication_role = replica")
    superuser_cursor.execute(
        "DELETE FROM workflow_event WHERE dossier_id = %s AND sequence = 2", [d.pk]
    )
    with pytest.raises(CommandError):
        call_command("verify_events")
    assert "events were removed or added" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_verify_events_detects_a_rewritten_chain_missing_its_middle(team, superuser_cursor, capsys):
    d = _two_events(team)
    d = fire(d, "propose_decision", actor=team.officer, outcome="grant")
    superuser_cursor.execute("SET session_replication_role = replica")
    superuser_cursor.execute(
        "DELETE FROM workflow_event WHERE dossier_id = %s AND sequence = 2", [d.pk]
    )
    with pytest.raises(CommandError):
        call_command("verify_events")
    err = capsys.readouterr().err
    assert "event #2 is missing" in err and "link to the previous event is broken" in err
