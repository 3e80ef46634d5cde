"""The REST API: commune and scope limits, filters, the PLAT'AU export and the event feed."""

import pytest
from django.test import Client

from api.models import ServiceAccount, hash_token
from tests.api.conftest import bearer
from tests.factories import UserFactory
from workflow.models import Event

pytestmark = pytest.mark.django_db


def test_the_token_is_stored_hashed_only(world):
    stored = ServiceAccount.objects.get(pk=world.account.pk)
    assert stored.token_hash == hash_token(world.token)
    assert world.token not in {stored.token_hash, stored.token_hint}


def test_anonymous_and_bad_tokens_are_401(world):
    assert Client().get("/api/dossiers/").status_code == 401
    response = Client().get("/api/dossiers/", **bearer("permis_wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_disabled_account_is_refused(world, system):
    ServiceAccount.objects.filter(pk=world.account.pk).update(is_active=False)
    assert system.get("/api/dossiers/").status_code == 401


def test_the_list_holds_the_token_communes_only(world, system):
    body = system.get("/api/dossiers/").json()
    assert body["count"] == 2
    assert {d["id"] for d in body["results"]} == {world.dossiers["a1"].pk, world.dossiers["a2"].pk}
    assert {d["commune"] for d in body["results"]} == {"91216"}


def test_filters_and_pagination(world, system):
    body = system.get("/api/dossiers/", {"procedure": "dp"}).json()
    assert [d["id"] for d in body["results"]] == [world.dossiers["a2"].pk]
    page = system.get("/api/dossiers/", {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    assert system.get("/api/dossiers/", {"commune": "91345"}).json()["count"] == 0
    assert system.get("/api/dossiers/", {"filed_after": "pas-une-date"}).status_code == 400
    number = world.dossiers["a1"].number
    assert system.get("/api/dossiers/", {"number": number}).json()["count"] == 1


def test_another_commune_is_not_found(world, system):
    other = world.dossiers["b"].pk
    for suffix in ("", "events/", "deadlines/", "pieces/", "documents/", "platau/"):
        assert system.get(f"/api/dossiers/{other}/{suffix}").status_code == 404, suffix


def test_a_draft_is_not_served(world, system):
    from tests.factories import DossierFactory

    draft = DossierFactory(commune=world.a.commune)
    assert system.get(f"/api/dossiers/{draft.pk}/").status_code == 404


def test_scopes_are_enforced(world):
    client = Client(**bearer(world.events_only))
    assert client.get("/api/dossiers/").status_code == 403
    assert client.get("/api/events/").status_code == 200
    assert client.get("/api/parcels/check/", {"commune": "91216", "ref": "AB1"}).status_code == 403


def test_agents_use_their_session(world, guichet_b):
    body = guichet_b.get("/api/dossiers/").json()
    assert [d["id"] for d in body["results"]] == [world.dossiers["b"].pk]
    assert guichet_b.get(f"/api/dossiers/{world.dossiers['a1'].pk}/").status_code == 404
    applicant = Client()
    applicant.force_login(UserFactory())
    assert applicant.get("/api/dossiers/").status_code == 403


def test_detail_deadlines_and_events(world, system):
    dossier = world.dossiers["a1"]
    detail = system.get(f"/api/dossiers/{dossier.pk}/").json()
    assert detail["number"] == dossier.number and detail["state"] == dossier.state
    assert detail["channel"] == dossier.channel == "online"  # how it came in (issue 23)
    deadlines = system.get(f"/api/dossiers/{dossier.pk}/deadlines/").json()
    expected = {d.name: d.date.isoformat() for d in dossier.deadlines()}
    assert {d["name"]: d["date"] for d in deadlines} == expected
    assert all(d["basis"] for d in deadlines)
    events = system.get(f"/api/dossiers/{dossier.pk}/events/").json()["results"]
    assert [e["sequence"] for e in events] == list(range(1, dossier.event_count + 1))


def test_platau_export_uses_the_hub_names_and_codes(world, system):
    pc = system.get(f"/api/dossiers/{world.dossiers['a1'].pk}/platau/").json()
    assert pc["noLocal"] == world.dossiers["a1"].number
    assert pc["suffixeNoLocal"] == ""
    assert pc["nomTypeDossier"] == {"idNom": 4, "libNom": "PC"}  # PCMI is a PC for PLAT'AU
    assert pc["txDescriptifGlobal"] == "Maison et garage"
    dp = system.get(f"/api/dossiers/{world.dossiers['a2'].pk}/platau/").json()
    assert dp["nomTypeDossier"]["idNom"] == 3


def test_platau_opinion_natures():
    from api.platau import opinion_nature

    assert opinion_nature("favourable")["idNom"] == 1
    assert opinion_nature("with_prescriptions")["idNom"] == 2
    assert opinion_nature("tacit_unfavourable")["idNom"] == 3
    assert opinion_nature("") is None


def test_fresh_events_are_held_back_until_settled(world, system):
    # The fixture's events were just recorded: by default they may still have uncommitted
    # neighbours with smaller ids, so the feed waits (api.views.FEED_SETTLE_SECONDS).
    assert system.get("/api/events/").json()["events"] == []


def test_the_event_feed_follows_a_cursor_in_the_token_communes(world, system, settings):
    settings.API_FEED_SETTLE_SECONDS = 0
    mine = list(
        Event.objects.filter(dossier__commune=world.a.commune)
        .order_by("id")
        .values_list("id", flat=True)
    )
    first = system.get("/api/events/", {"limit": 1}).json()
    assert [e["id"] for e in first["events"]] == mine[:1] and first["has_more"]
    rest = system.get("/api/events/", {"after": first["next_cursor"], "limit": 500}).json()
    assert [e["id"] for e in rest["events"]] == mine[1:] and not rest["has_more"]
    tail = system.get("/api/events/", {"after": rest["next_cursor"]}).json()
    assert tail == {"events": [], "next_cursor": rest["next_cursor"], "has_more": False}
    assert system.get("/api/events/", {"limit": 0}).status_code == 400


def test_parcel_check_is_limited_to_the_token_communes(world, system):
    response = system.get("/api/parcels/check/", {"commune": "91345", "ref": "AB1"})
    assert response.status_code == 400
    response = system.get("/api/parcels/check/", {"commune": "91216", "ref": "AB 1"})
    assert response.status_code == 200
    assert response.json()["parcels"][0]["found"] is False  # no cadastre loaded here


def test_the_command_creates_and_rotates_a_token(world):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("service_account", "PLAT'AU bridge", commune=["91345"], scope=[], stdout=out)
    token = out.getvalue().strip()
    client = Client(**bearer(token))
    body = client.get("/api/dossiers/").json()
    assert [d["id"] for d in body["results"]] == [world.dossiers["b"].pk]
    out = io.StringIO()
    call_command("service_account", "PLAT'AU bridge", rotate=True, stdout=out)
    assert client.get("/api/dossiers/").status_code == 401  # the old token is gone
    assert Client(**bearer(out.getvalue().strip())).get("/api/dossiers/").status_code == 200


def test_the_list_total_comes_from_the_state_counts_and_equals_count(world, system):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DossierFactory

    DossierFactory(commune=world.a.commune)  # a draft: never listed, never counted
    for query, total in (({}, 2), ({"state": "deposited"}, 2), ({"state": "draft"}, 0)):
        with CaptureQueriesContext(connection) as queries:
            body = system.get("/api/dossiers/", query).json()
        assert body["count"] == total == len(body["results"]), query
        assert not any("COUNT(*)" in q["sql"] for q in queries.captured_queries), query
    assert system.get("/api/dossiers/", {"state": "rejected"}).json()["count"] == 0
    with CaptureQueriesContext(connection) as queries:  # another filter: count(*) as before
        assert (
            system.get("/api/dossiers/", {"state": "deposited", "procedure": "DP"}).json()["count"]
            == 1
        )
    assert any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
