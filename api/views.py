"""The REST API (OpenAPI 3 at /api/schema/): read-only views of the dossiers of the caller's
communes, the event feed for connectors, and the parcel check.

Every view names its scope; every queryset is cut to the caller's communes first, so a dossier
of another commune is a 404 (its existence is not revealed), as on the site.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Commune
from api import platau
from api.authentication import HasScope, TokenAuthentication, principal
from api.models import Scope
from api.representation import rows_for
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
from api.throttling import RateLimit
from cadastre.check import check_parcels
from core.db_router import replica_lag_margin
from permits.clock_cache import dossier_deadlines
from permits.models import Dossier
from permits.state_counts import dossier_count
from privacy.access_log import record_api_access
from privacy.models import AccessLog
from workflow.models import Event
from workflow.states import State

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

    def get_page_size(self, request):
        # A bad page_size is a 400, not silently the default (the schema's contract).
        return _int_param(request, self.page_size_query_param, self.page_size, 1, 200)


class RowsPaginator(Paginator):
    """Pages the `.values(*columns)` rows of a queryset counted as it is: the joins that
    related columns add (`commune__insee_code`) stay out of count(*). A total the view knows
    exactly (`exact_count`) replaces the count(*)."""

    def __init__(self, object_list, per_page, columns, known_count=None):
        super().__init__(object_list, per_page)
        self.columns = columns
        self.known_count = known_count

    @cached_property
    def count(self):
        """The view's exact total when it has one, else count(*) without the joins of related
        columns."""
        return self.known_count if self.known_count is not None else Paginator.count.func(self)

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(object_list.values(*self.columns), number, paginator)


class RowsPagination(Pagination):
    """Pages of rows represented through the view's serializer (api.representation): no model
    instances, the same envelope and items as the serializer's."""

    def paginate_queryset(self, queryset, request, view=None):
        self.rows = rows_for(view.get_serializer_class())
        self.known_count = getattr(view, "exact_count", lambda: None)()
        return self.rows.many(super().paginate_queryset(queryset, request, view))

    def django_paginator_class(self, queryset, page_size):
        return RowsPaginator(queryset, page_size, self.rows.columns, self.known_count)


class RowsListView(generics.ListAPIView):
    pagination_class = RowsPagination

    def list(self, request, *args, **kwargs):
        return self.get_paginated_response(self.paginate_queryset(self.get_queryset()))


def visible_dossiers(request):
    """Filed dossiers of the caller's communes (drafts belong to their author only)."""
    return Dossier.objects.filter(commune_id__in=principal(request).commune_ids).exclude(
        state="draft"
    )


class ScopedView(APIView):
    """What every view of the API shares: token or session, the scope checked before anything
    is read, and a 400 for an unknown query parameter."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    required_scope = Scope.DOSSIERS
    query_parameters: frozenset[str] = frozenset()  # those the schema documents

    def initial(self, request, *args, **kwargs):
        """Refuses an unknown query parameter (400) after authentication: a misspelt filter must not
        list everything."""
        super().initial(request, *args, **kwargs)  # authentication, scope, rate limit first
        allowed = set(self.query_parameters)
        if getattr(self, "pagination_class", None):
            allowed |= {"page", "page_size"}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name: "Unknown parameter." for name in unknown})


class DossierList(ScopedView, RowsListView):
    serializer_class = DossierSerializer
    FILTERS = {  # query parameter: lookup
        "state": "state",
        "procedure": "procedure__iexact",
        "commune": "commune__insee_code",
        "number": "number",
        "filed_after": "filed_at__date__gte",
        "filed_before": "filed_at__date__lte",
    }
    query_parameters = frozenset(FILTERS)
    DATE_FILTERS = frozenset({"filed_after", "filed_before"})
    COUNTED_FILTERS = frozenset({"state"})  # what permits.state_counts can total

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
        """The caller's dossiers under the documented filters, newest first."""
        params = self.request.query_params
        filters = Q()
        for name, lookup in self.FILTERS.items():
            if params.get(name):
                value = params[name]
                if name in self.DATE_FILTERS:
                    value = _date_param(name, value)
                filters &= Q(**{lookup: value})
        # Newest first: an index walk that stops at the page.
        return visible_dossiers(self.request).filter(filters).order_by("-id")

    def exact_count(self) -> int | None:
        """The total from the per-(commune, state) counts when at most the state is filtered
        (a connector's usual query), exact and without count(*) over every match; None when
        another filter is used."""
        params = self.request.query_params
        if any(params.get(name) for name in self.FILTERS if name not in self.COUNTED_FILTERS):
            return None
        wanted = [params["state"]] if params.get("state") else State.values
        # Drafts are their author's only: never listed here (visible_dossiers).
        states = [state for state in wanted if state != State.DRAFT]
        return dossier_count(principal(self.request).commune_ids, states)


class DossierDetail(ScopedView, generics.RetrieveAPIView):
    serializer_class = DossierSerializer

    def get_queryset(self):
        return visible_dossiers(self.request)

    def retrieve(self, request, *args, **kwargs):
        """One dossier as a row through the serializer; its read written to the access log."""
        rows = rows_for(DossierSerializer)  # a row, not a model instance (api.representation)
        row = self.get_queryset().filter(pk=kwargs["pk"]).values(*rows.columns).first()
        if row is None:
            raise Http404("No Dossier matches the given query.")  # get_object_or_404's words
        record_api_access(request, row["id"], AccessLog.Action.VIEW)  # privacy: one INSERT
        return Response(rows.one(row))


class DossierChild(ScopedView):
    """A list belonging to one visible dossier."""

    logged_action: AccessLog.Action | None = (
        None  # a read of personal data goes to the access log (privacy.access_log)
    )

    def dossier(self):
        """The visible dossier of the URL (404 otherwise), its read written to the access log when
        it reveals personal data."""
        dossier = get_object_or_404(visible_dossiers(self.request), pk=self.kwargs["pk"])
        if self.logged_action:
            record_api_access(self.request, dossier.pk, self.logged_action)
        return dossier


class DossierEvents(DossierChild, RowsListView):
    required_scope = Scope.EVENTS
    serializer_class = EventSerializer
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
        """Every legal deadline of the dossier with its article, as the site shows them."""
        return Response(DeadlineSerializer(dossier_deadlines(self.dossier()), many=True).data)


class DossierPlatau(DossierChild, APIView):
    logged_action = AccessLog.Action.VIEW  # the whole dossier, applicants included

    @extend_schema(
        responses=PlatauDossierSerializer,
        description="The dossier with PLAT'AU's field names and codes (reference §4.3).",
    )
    def get(self, request, pk):
        """The dossier in PLAT'AU's terms; a read of personal data, logged."""
        dossier = self.dossier()
        return Response(PlatauDossierSerializer(platau.export(dossier)).data)


class EventFeed(ScopedView, APIView):
    """Every event of the caller's communes after a cursor (the last event id seen), oldest
    first: a connector follows all dossiers with one call per page instead of polling each."""

    required_scope = Scope.EVENTS
    query_parameters = frozenset({"after", "limit"})

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="Cursor: the last event id received."),
            OpenApiParameter("limit", int, description=f"At most {FEED_MAX}."),
        ],
        responses=EventFeedSerializer,
    )
    def get(self, request):
        """A page of events after the cursor; the most recent held back so that a cursor never skips
        one."""
        after = _int_param(request, "after", 0, 0, 2**63 - 1)
        limit = _int_param(request, "limit", 100, 1, FEED_MAX)
        settle = getattr(settings, "API_FEED_SETTLE_SECONDS", FEED_SETTLE_SECONDS)
        settle += replica_lag_margin()  # read from a replica: what it has not replayed yet
        rows = rows_for(EventSerializer)
        events = list(
            Event.objects.filter(
                id__gt=after,
                dossier__commune_id__in=principal(request).commune_ids,
                occurred_at__lte=timezone.now() - timedelta(seconds=settle),
            )
            .order_by("id")
            .values(*rows.columns)[: limit + 1]
        )
        page = events[:limit]
        data = EventFeedSerializer(
            {
                "events": [],
                "next_cursor": page[-1]["id"] if page else after,
                "has_more": len(events) > limit,
            }
        ).data
        data["events"] = rows.many(page)  # rows through EventSerializer's fields
        return Response(data)


def not_found(request, *args, **kwargs):
    """A JSON 404 for unknown API paths: a connector reads JSON, never the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


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
    query_parameters = frozenset({"commune", "ref"})
    throttle_classes = [RateLimit]
    rate_limit_scope = "parcel_check"

    @extend_schema(
        parameters=[ParcelCheckQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        """Checks parcel references of one of the caller's communes against the cadastre."""
        query = ParcelCheckQuerySerializer(
            data={
                "commune": request.query_params.get("commune"),
                "ref": request.query_params.getlist("ref"),
            }
        )
        query.is_valid(raise_exception=True)
        commune = query.validated_data["commune"]
        ids = principal(request).commune_ids
        if not Commune.objects.filter(pk__in=ids, insee_code=commune).exists():
            raise ValidationError({"commune": "Not one of your communes."})
        return Response(check_parcels(query.validated_data["ref"], commune).as_dict())
