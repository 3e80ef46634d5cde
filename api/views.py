"""The REST API (OpenAPI 3 at /api/schema/): read-only views of the dossiers of the caller's
communes, the event feed for connectors, and the parcel check.

Every view names its scope; every queryset is cut to the caller's communes first, so a dossier
of another commune is a 404 (its existence is not revealed), as on the site.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from api import platau
from api.authentication import HasScope, TokenAuthentication, principal
from api.models import Scope
from api.serializers import (
    DeadlineSerializer,
    DossierSerializer,
    EventFeedSerializer,
    EventSerializer,
    IssuedDocumentSerializer,
    ParcelCheckQuerySerializer,
    PieceSerializer,
    PlatauDossierSerializer,
)
from cadastre.check import check_parcels
from config.db_router import replica_lag_margin
from permits.clock_cache import dossier_deadlines
from permits.models import Dossier
from privacy.access_log import record_api_access
from privacy.models import AccessLog
from workflow.models import Event

FEED_MAX = 500
# An event's id is taken when its row is inserted, but it becomes visible at commit: an event
# with a smaller id may appear after a larger one was served. Holding back the events recorded
# in the last seconds (longer than any transaction that records one) means a cursor never
# skips one. Overridable for tests (settings.API_FEED_SETTLE_SECONDS).
FEED_SETTLE_SECONDS = 5


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def visible_dossiers(request):
    """Filed dossiers of the caller's communes (drafts belong to their author only)."""
    return Dossier.objects.filter(commune__in=principal(request).communes).exclude(state="draft")


class ScopedView:
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    required_scope = Scope.DOSSIERS


LIST_FIELDS = [
    *(f for f in DossierSerializer.Meta.fields if f not in ("commune", "display_number")),
    "commune__insee_code",
]


class DossierList(ScopedView, generics.ListAPIView):
    serializer_class = DossierSerializer
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, description="Legal state (workflow.states)"),
            OpenApiParameter("procedure", str, description="Procedure code: PCMI, DP, CUA…"),
            OpenApiParameter("commune", str, description="INSEE code"),
            OpenApiParameter("number", str, description="A423-3 number, compact form"),
            OpenApiParameter("filed_after", OpenApiTypes.DATE),
            OpenApiParameter("filed_before", OpenApiTypes.DATE),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        filters = Q()
        for name, lookup in (
            ("state", "state"),
            ("procedure", "procedure__iexact"),
            ("commune", "commune__insee_code"),
            ("number", "number"),
        ):
            if params.get(name):
                filters &= Q(**{lookup: params[name]})
        for name, lookup in (
            ("filed_after", "filed_at__date__gte"),
            ("filed_before", "filed_at__date__lte"),
        ):
            if params.get(name):
                filters &= Q(**{lookup: _date_param(name, params[name])})
        return (
            visible_dossiers(self.request)
            .filter(filters)
            .select_related("commune")
            # Only what the serializer shows: no JSON columns for a page of 50 (bench/load).
            .only(*LIST_FIELDS)
            .order_by("-id")  # newest first; an index walk that stops at the page (bench/load)
        )


class DossierDetail(ScopedView, generics.RetrieveAPIView):
    serializer_class = DossierSerializer

    def get_queryset(self):
        return visible_dossiers(self.request).select_related("commune")

    def get_object(self):
        dossier = super().get_object()
        record_api_access(self.request, dossier.pk, AccessLog.Action.VIEW)  # privacy: one INSERT
        return dossier


class DossierChild(ScopedView):
    """A list belonging to one visible dossier."""

    logged_action = None  # a read of personal data goes to the access log (privacy.access_log)

    def dossier(self):
        dossier = get_object_or_404(visible_dossiers(self.request), pk=self.kwargs["pk"])
        if self.logged_action:
            record_api_access(self.request, dossier.pk, self.logged_action)
        return dossier


class DossierEvents(DossierChild, generics.ListAPIView):
    required_scope = Scope.EVENTS
    serializer_class = EventSerializer
    pagination_class = Pagination
    logged_action = AccessLog.Action.EVENTS

    def get_queryset(self):
        return self.dossier().events.order_by("sequence")


class DossierPieces(DossierChild, generics.ListAPIView):
    required_scope = Scope.PIECES
    serializer_class = PieceSerializer
    logged_action = AccessLog.Action.PIECES

    def get_queryset(self):
        return self.dossier().pieces.order_by("code", "version")


class DossierDocuments(DossierChild, generics.ListAPIView):
    required_scope = Scope.DOCUMENTS
    serializer_class = IssuedDocumentSerializer
    logged_action = AccessLog.Action.DOCUMENTS

    def get_queryset(self):
        return self.dossier().issued_documents.order_by("created_at", "id")


class DossierDeadlines(DossierChild, APIView):
    @extend_schema(responses=DeadlineSerializer(many=True))
    def get(self, request, pk):
        return Response(DeadlineSerializer(dossier_deadlines(self.dossier()), many=True).data)


class DossierPlatau(DossierChild, APIView):
    logged_action = AccessLog.Action.VIEW  # the whole dossier, applicants included

    @extend_schema(
        responses=PlatauDossierSerializer,
        description="The dossier with PLAT'AU's field names and codes (reference §4.3).",
    )
    def get(self, request, pk):
        dossier = self.dossier()
        return Response(PlatauDossierSerializer(platau.export(dossier)).data)


class EventFeed(ScopedView, APIView):
    """Every event of the caller's communes after a cursor (the last event id seen), oldest
    first: a connector follows all dossiers with one call per page instead of polling each."""

    required_scope = Scope.EVENTS

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="Cursor: the last event id received."),
            OpenApiParameter("limit", int, description=f"At most {FEED_MAX}."),
        ],
        responses=EventFeedSerializer,
    )
    def get(self, request):
        after = _int_param(request, "after", 0, 0, 2**63 - 1)
        limit = _int_param(request, "limit", 100, 1, FEED_MAX)
        settle = getattr(settings, "API_FEED_SETTLE_SECONDS", FEED_SETTLE_SECONDS)
        settle += replica_lag_margin()  # read from a replica: what it has not replayed yet
        events = list(
            Event.objects.filter(
                id__gt=after,
                dossier__commune__in=principal(request).communes,
                occurred_at__lte=timezone.now() - timedelta(seconds=settle),
            ).order_by("id")[: limit + 1]
        )
        page = events[:limit]
        data = {
            "events": page,
            "next_cursor": page[-1].id if page else after,
            "has_more": len(events) > limit,
        }
        return Response(EventFeedSerializer(data).data)


def _date_param(name, text) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: "Expected a date, YYYY-MM-DD."}) from None


def _int_param(request, name, default, low, high) -> int:
    text = request.query_params.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValidationError({name: "Expected an integer."}) from None
    if not low <= value <= high:
        raise ValidationError({name: f"Expected {low}..{high}."})
    return value


class ParcelCheck(ScopedView, APIView):
    """The parcel check (cadastre.check) for a commune of the caller."""

    required_scope = Scope.PARCELS

    @extend_schema(
        parameters=[ParcelCheckQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = ParcelCheckQuerySerializer(
            data={
                "commune": request.query_params.get("commune"),
                "ref": request.query_params.getlist("ref"),
            }
        )
        query.is_valid(raise_exception=True)
        commune = query.validated_data["commune"]
        if not principal(request).communes.filter(insee_code=commune).exists():
            raise ValidationError({"commune": "Not one of your communes."})
        return Response(check_parcels(query.validated_data["ref"], commune).as_dict())
