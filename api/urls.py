from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    # Public (SPECTACULAR_SETTINGS SERVE_PERMISSIONS): no authentication declared for it.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="schema"),
    path("dossiers/", views.DossierList.as_view(), name="dossiers"),
    path("dossiers/<int:pk>/", views.DossierDetail.as_view(), name="dossier"),
    path("dossiers/<int:pk>/events/", views.DossierEvents.as_view(), name="dossier_events"),
    path(
        "dossiers/<int:pk>/deadlines/", views.DossierDeadlines.as_view(), name="dossier_deadlines"
    ),
    path("dossiers/<int:pk>/pieces/", views.DossierPieces.as_view(), name="dossier_pieces"),
    path(
        "dossiers/<int:pk>/documents/", views.DossierDocuments.as_view(), name="dossier_documents"
    ),
    path("dossiers/<int:pk>/platau/", views.DossierPlatau.as_view(), name="dossier_platau"),
    path("events/", views.EventFeed.as_view(), name="events"),
    path("parcels/check/", views.ParcelCheck.as_view(), name="parcel_check"),
    # Anything else under /api/ (an id the patterns refuse, such as -1): the JSON 404 the
    # schema documents, not the site's HTML page.
    re_path(r"", views.not_found, name="not_found"),
]
