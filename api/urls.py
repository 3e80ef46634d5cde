"""The API's routes: each view resolved lazily (api.lazy) so that DRF loads on the first API request
only."""

from django.urls import path, re_path

from api.lazy import LazyView

app_name = "api"

urlpatterns = [
    # Public (SPECTACULAR_SETTINGS SERVE_PERMISSIONS): no authentication declared for it.
    path(
        "schema/",
        LazyView("drf_spectacular.views.SpectacularAPIView", authentication_classes=[]),
        name="schema",
    ),
    path("dossiers/", LazyView("api.views.DossierList"), name="dossiers"),
    path("dossiers/<int:pk>/", LazyView("api.views.DossierDetail"), name="dossier"),
    path("dossiers/<int:pk>/events/", LazyView("api.views.DossierEvents"), name="dossier_events"),
    path(
        "dossiers/<int:pk>/deadlines/",
        LazyView("api.views.DossierDeadlines"),
        name="dossier_deadlines",
    ),
    path("dossiers/<int:pk>/pieces/", LazyView("api.views.DossierPieces"), name="dossier_pieces"),
    path(
        "dossiers/<int:pk>/documents/",
        LazyView("api.views.DossierDocuments"),
        name="dossier_documents",
    ),
    path("dossiers/<int:pk>/platau/", LazyView("api.views.DossierPlatau"), name="dossier_platau"),
    path("events/", LazyView("api.views.EventFeed"), name="events"),
    path("parcels/check/", LazyView("api.views.ParcelCheck"), name="parcel_check"),
    # Anything else under /api/ (an id the patterns refuse, such as -1): the JSON 404 the
    # schema documents, not the site's HTML page.
    re_path(r"", LazyView("api.views.not_found"), name="not_found"),
]
