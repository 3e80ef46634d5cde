"""api.representation: the rows the hot API reads serve give what DRF's serializers give, to the
byte, and the list, detail and feed responses are those of the plain serializers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from api.representation import Rows, rows_for
from api.serializers import DossierSerializer, EventFeedSerializer, EventSerializer
from permits.models import Dossier
from privacy.models import AccessLog
from tests.api.conftest import bearer
from tests.factories import filed_dossier
from workflow.events import record_event
from workflow.models import Event

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def render(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def varied(world):
    """Dossiers covering None, blank choices, both DST offsets, a parent, and events with
    assorted JSON payloads."""
    a1, a2 = world.dossiers["a1"], world.dossiers["a2"]
    winter = filed_dossier(world.a, on=date(2026, 1, 15), site_area_m2=512, dwellings_created=0)
    summer = filed_dossier(world.a, on=date(2026, 7, 15))
    Dossier.objects.filter(pk=summer.pk).update(
        parent=a1,  # a follow-up's link, set directly: filing rules are not tested here
        works_nature="extension",
        decision_outcome="grant",
        decision_signed_at=datetime(2026, 7, 30, 23, 30, tzinfo=PARIS),  # the next day in UTC
        decision_notified_on=date(2026, 8, 2),
        tacit_on=date(2026, 9, 15),
        executory_on=date(2026, 10, 1),
        floor_area_created_m2=140,
        description="Extension « côté jardin » — 2 niveaux",
    )
    Dossier.objects.filter(pk=winter.pk).update(
        decision_signed_at=datetime(2026, 3, 29, 1, 59, tzinfo=PARIS),  # just before DST
        decision_notified_on=None,
        works_nature="",
        decision_outcome="",
    )
    payloads = [
        {},
        {"reason": "pièce manquante", "codes": ["PC4", "PC6"], "n": 3, "ratio": 0.5},
        {"nested": {"deep": [1, None, True, {"é": "ü"}]}, "empty": None},
    ]
    with transaction.atomic():
        for payload in payloads:
            record_event(a2, "letter_sent", payload=payload)
    return [a1, a2, winter, summer]


def test_the_columns_come_from_the_serializer_fields():
    rows = rows_for(DossierSerializer)
    assert [key for key, *_ in rows.items] == DossierSerializer.Meta.fields
    assert "commune__insee_code" in rows.columns and "parent_id" in rows.columns
    assert "display_number" not in rows.columns  # a property, read from the row's `number`
    assert rows_for(DossierSerializer) is rows  # built once per class


def test_dossier_rows_equal_the_serializer(varied):
    rows = rows_for(DossierSerializer)
    queryset = Dossier.objects.filter(pk__in=[d.pk for d in varied]).order_by("id")
    fast = rows.many(queryset.values(*rows.columns))
    plain = DossierSerializer(queryset, many=True).data
    assert fast == plain
    assert render(fast) == render(plain)
    by_id = {row["id"]: row for row in fast}
    summer = by_id[varied[3].pk]
    assert summer["decision_signed_at"] == "2026-07-30T23:30:00+02:00"
    assert summer["parent"] == varied[0].pk
    winter = by_id[varied[2].pk]
    assert winter["decision_signed_at"] == "2026-03-29T01:59:00+01:00"
    assert winter["decision_notified_on"] is None and winter["works_nature"] == ""


def test_event_rows_equal_the_serializer(varied):
    rows = rows_for(EventSerializer)
    queryset = Event.objects.order_by("id")
    fast = rows.many(queryset.values(*rows.columns))
    plain = EventSerializer(queryset, many=True).data
    assert len(fast) > 3 and fast == plain
    assert render(fast) == render(plain)


class _Figures(serializers.ModelSerializer):
    """Conversions the API's serializers do not use yet: decimals, strings of numbers, a
    choice with integer keys, a nested relation's column."""

    area = serializers.DecimalField(source="site_area_m2", max_digits=9, decimal_places=2)
    area_text = serializers.CharField(source="site_area_m2")
    rank = serializers.ChoiceField([(0, "zéro"), (512, "beaucoup")], source="site_area_m2")
    commune_name = serializers.CharField(source="commune.name")
    display_number = serializers.CharField()

    class Meta:
        model = Dossier
        fields = ["id", "number", "display_number", "area", "area_text", "rank", "commune_name"]


def test_other_conversions_equal_the_serializer(varied):
    rows = Rows(_Figures)
    queryset = Dossier.objects.filter(pk__in=[d.pk for d in varied]).order_by("id")
    fast = rows.many(queryset.values(*rows.columns))
    assert fast == _Figures(queryset, many=True).data
    assert {row["area"] for row in fast} == {None, "512.00"}
    assert {row["area_text"] for row in fast} == {None, "512"}


def test_a_property_needing_an_unselected_column_fails_loudly(world):
    class Numbered(serializers.ModelSerializer):
        display_number = serializers.CharField()

        class Meta:
            model = Dossier
            fields = ["id", "display_number"]  # `number` is not selected

    rows = Rows(Numbered)
    with pytest.raises(AttributeError, match="not selected"):
        rows.many(Dossier.objects.values(*rows.columns))
    assert Dossier._meta.get_field("state").protected  # workflow.models.instruction


def test_list_and_detail_responses_are_the_serializer_output(world, system, varied):
    response = system.get("/api/dossiers/")
    mine = Dossier.objects.filter(commune=world.a.commune).exclude(state="draft").order_by("-id")
    expected = {
        "count": mine.count(),
        "next": None,
        "previous": None,
        "results": DossierSerializer(mine, many=True).data,
    }
    assert response.content == render(expected)
    page = system.get("/api/dossiers/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 4 and page["previous"] and page["next"] is None
    assert [d["id"] for d in page["results"]] == [d.pk for d in mine[2:4]]
    for dossier in varied:
        detail = system.get(f"/api/dossiers/{dossier.pk}/")
        expected = DossierSerializer(Dossier.objects.get(pk=dossier.pk)).data
        assert detail.content == render(expected)


def test_the_detail_is_logged_once_and_another_commune_is_404(world, system):
    mine, other = world.dossiers["a1"], world.dossiers["b"]
    system.get(f"/api/dossiers/{mine.pk}/")  # the token's last use is written once a minute
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert system.get(f"/api/dossiers/{mine.pk}/").status_code == 200
    assert len(queries) == 3  # token and communes, the row, the access log
    log = AccessLog.objects.latest("pk")
    assert AccessLog.objects.count() == before + 1
    assert (log.dossier_id, log.service_account_id, log.agent_id) == (
        mine.pk,
        world.account.pk,
        None,
    )
    assert (log.action, log.channel) == (AccessLog.Action.VIEW, AccessLog.Channel.API)
    missing = system.get(f"/api/dossiers/{other.pk}/")
    assert missing.status_code == 404
    # The same words as the other dossier views (get_object_or_404).
    assert missing.content == system.get(f"/api/dossiers/{other.pk}/events/").content
    assert AccessLog.objects.count() == before + 1


def test_the_feed_is_the_serializer_output(world, system, varied, settings):
    settings.API_FEED_SETTLE_SECONDS = 0
    events = list(Event.objects.filter(dossier__commune=world.a.commune).order_by("id"))
    response = system.get("/api/events/", {"after": events[0].id, "limit": 3})
    page = events[1:4]
    expected = {"events": page, "next_cursor": page[-1].id, "has_more": True}
    assert response.content == render(EventFeedSerializer(expected).data)
    response = system.get("/api/events/", {"after": events[-1].id})
    expected = {"events": [], "next_cursor": events[-1].id, "has_more": False}
    assert response.content == render(EventFeedSerializer(expected).data)


def test_a_dossier_events_are_the_serializer_output(world, system, varied):
    dossier = world.dossiers["a2"]
    events = Event.objects.filter(dossier=dossier).order_by("sequence")
    response = system.get(f"/api/dossiers/{dossier.pk}/events/", {"page_size": 2, "page": 2})
    body = response.json()
    assert body["count"] == events.count() and body["previous"]
    assert response.content == render(
        {
            "count": body["count"],
            "next": body["next"],
            "previous": body["previous"],
            "results": EventSerializer(events[2:4], many=True).data,
        }
    )
    log = AccessLog.objects.latest("pk")
    assert (log.dossier_id, log.action) == (dossier.pk, AccessLog.Action.EVENTS)


def test_an_agent_session_sees_its_communes(world, guichet_b):
    body = guichet_b.get("/api/dossiers/").json()
    assert [d["id"] for d in body["results"]] == [world.dossiers["b"].pk]
    assert guichet_b.get(f"/api/dossiers/{world.dossiers['b'].pk}/").status_code == 200


def test_a_token_without_communes_is_refused(world):
    from api.models import Scope, ServiceAccount

    _, token = ServiceAccount.create("Sans commune", [], Scope.values)
    assert Client(**bearer(token)).get("/api/dossiers/").status_code == 403
