"""What keeps the worklist and the dossier page fast at 100,000 dossiers (docs/benchmarks.md) must
not change what they show: pages of the worklist, the per-request memory of roles, the cached
statutory clock."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.permissions import communes_for, has_role, holds_role, remembered_roles
from permits.clock_cache import dossier_deadlines
from permits.models import Dossier
from permits.views import worklist
from tests.factories import CommuneFactory, filed_dossier, make_team
from workflow.transitions import fire

pytestmark = pytest.mark.django_db


def test_the_worklist_pages_through_every_dossier_of_the_service(client, team, monkeypatch):
    monkeypatch.setattr(worklist, "PAGE_SIZE", 2)
    today = timezone.localdate()
    dossiers = [filed_dossier(team, "DP", on=today - timedelta(days=n)) for n in (20, 10, 1)]
    elsewhere = filed_dossier(make_team(CommuneFactory(insee_code="91345", name="Longjumeau")))
    client.force_login(team.officer)
    first = client.get("/instruction/").content.decode()
    second = client.get("/instruction/", {"page": 2}).content.decode()
    assert "page 1 sur 2" in first and "Page suivante" in first
    assert "page 2 sur 2" in second and "Page précédente" in second
    assert [d.display_number in first for d in dossiers] == [True, True, False]
    assert [d.display_number in second for d in dossiers] == [False, False, True]
    assert elsewhere.display_number not in first + second
    # Out of range or not a number: the nearest page, never an error.
    assert "page 2 sur 2" in client.get("/instruction/", {"page": 9}).content.decode()
    assert "page 1 sur 2" in client.get("/instruction/", {"page": "x"}).content.decode()


def test_the_worklist_counts_are_exact_at_once_after_an_act(client, team):
    first, second = filed_dossier(team, "DP"), filed_dossier(team, "DP")
    filed_dossier(make_team(CommuneFactory(insee_code="91345", name="Longjumeau")))
    client.force_login(team.officer)
    page = client.get("/instruction/").content.decode()
    assert "Déposé : <strong>2</strong>" in page and "2 dossiers" in page
    fire(first, "declare_complete", actor=team.officer)  # no cache to wait for
    page = client.get("/instruction/").content.decode()
    assert "Déposé : <strong>1</strong>" in page
    assert "En cours d&#x27;instruction : <strong>1</strong>" in page
    assert second.number and "2 dossiers" in page


def test_roles_are_remembered_within_a_request_only(team):
    other = CommuneFactory(insee_code="91345", name="Longjumeau")
    user = team.mayor
    with remembered_roles(user):
        assert has_role(user, [Role.SIGNATORY], team.commune)
        assert not has_role(user, [Role.SIGNATORY], other)
        Membership.objects.create(user=user, role=Role.SIGNATORY, commune=other)
        # Same request: the roles read at its start.
        assert not has_role(user, [Role.SIGNATORY], other)
        assert list(communes_for(user, [Role.SIGNATORY])) == [team.commune]
        assert holds_role(user, {Role.SIGNATORY}) and not holds_role(user, {Role.OFFICER})
    # Outside a request every check reads the memberships again.
    assert has_role(user, [Role.SIGNATORY], other)
    with remembered_roles(user):
        assert has_role(user, [Role.SIGNATORY], other)
        assert set(communes_for(user, [Role.SIGNATORY])) == {team.commune, other}


def test_service_roles_reach_the_service_s_communes_when_remembered(team):
    second = CommuneFactory(insee_code="91345", name="Longjumeau")
    team.service.communes.add(second)
    with remembered_roles(team.officer):
        assert set(communes_for(team.officer, [Role.OFFICER])) == {team.commune, second}
        assert not holds_role(team.officer, {Role.SIGNATORY})


def test_the_cached_clock_follows_every_event(team):
    d = filed_dossier(team, "DP", on=date(2026, 1, 5))
    before = dossier_deadlines(d)
    assert before == d.deadlines()
    fire(d, "request_pieces", actor=team.officer, pieces=["DP2"], on=date(2026, 1, 20))
    after = dossier_deadlines(Dossier.objects.get(pk=d.pk))
    assert after != before
    assert after == Dossier.objects.get(pk=d.pk).deadlines()


@pytest.fixture
def team():
    return make_team()
