"""Dossiers per (commune, state) kept by the database's triggers (permits.state_counts): the
sums always equal count(*), whoever changes the rows, before and after compaction."""

import pytest
from django.db import connection
from django.db.models import Count

from permits.models import Dossier, StateCount
from permits.state_counts import compact, dossier_count, drift, recount
from tests.factories import CommuneFactory, DossierFactory, filed_dossier, make_team
from workflow.states import State
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


def counted():
    """{(commune id, state): n} from the counts, zeros left out."""
    sums = StateCount.objects.values_list("commune_id", "state").annotate(n=Count("id"))
    totals = {}
    for row in StateCount.objects.all():
        key = (row.commune_id, row.state)
        totals[key] = totals.get(key, 0) + row.delta
    assert sums.exists() or not totals
    return {key: n for key, n in totals.items() if n}


def actual():
    rows = Dossier.objects.values_list("commune_id", "state").annotate(n=Count("id"))
    return {(commune, state): n for commune, state, n in rows}


def test_every_way_of_changing_a_dossier_keeps_the_counts_exact():
    team = make_team()
    other = CommuneFactory(insee_code="91345", name="Longjumeau", population=21000)
    DossierFactory(commune=team.commune)  # a draft
    filed = filed_dossier(team)  # a draft filed: draft -1, deposited +1
    fire(filed, "declare_complete", actor=team.officer)
    withdrawn = fire(filed_dossier(team, procedure="DP"), "withdraw", actor=team.applicant)
    assert actual() == counted()
    Dossier.objects.filter(pk=withdrawn.pk).update(commune=other)  # a bulk update, no model
    moved = Dossier.objects.filter(state=State.DRAFT).first()
    moved.description = "Autre chose"
    moved.save()  # a save that changes neither the state nor the commune counts nothing
    assert actual() == counted()
    rows_before = StateCount.objects.count()
    assert compact() > 0
    assert actual() == counted() and StateCount.objects.count() == len(actual()) < rows_before
    assert compact() == 0  # one row per (commune, state): nothing to fold, nothing rewritten
    DossierFactory(commune=other).delete()  # +1 then -1: folded away at the next compaction
    compact()
    assert actual() == counted() and StateCount.objects.count() == len(actual())
    assert dossier_count([team.commune.pk], [State.UNDER_INSTRUCTION]) == 1
    assert dossier_count([team.commune.pk, other.pk], [State.WITHDRAWN]) == 1
    assert dossier_count([team.commune.pk], [State.WITHDRAWN, State.DRAFT]) == 1
    assert dossier_count([], [State.DRAFT]) == 0 and dossier_count([other.pk], []) == 0


@pytest.mark.django_db(transaction=True)  # a TRUNCATE waits for no deferred constraint
def test_emptying_the_dossiers_empties_the_counts():
    DossierFactory()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE permits_dossier CASCADE")
    assert not StateCount.objects.exists()


def test_a_recount_rebuilds_the_counts_a_load_without_the_trigger_left_wrong():
    team = make_team()
    filed_dossier(team)
    DossierFactory(commune=team.commune)  # a draft
    assert drift() == []
    commune = team.commune.pk
    with connection.cursor() as cursor:  # as after a load that bypassed the trigger
        cursor.execute("DELETE FROM permits_statecount WHERE state = 'draft'")
        cursor.execute(
            "INSERT INTO permits_statecount (commune_id, state, delta) VALUES (%s, 'refused', 3)",
            [commune],
        )
    assert drift() == [(commune, State.DRAFT, 0, 1), (commune, State.REFUSED, 3, 0)]
    assert recount() == len(actual()) == 2
    assert counted() == actual() and drift() == [] and StateCount.objects.count() == 2
