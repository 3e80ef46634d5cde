"""Cadastre endpoints (parcel check, map features) and the commune administrator's reference
data page, included at /cadastre/."""

from django.urls import path

from cadastre import reference_views, views

app_name = "cadastre"

urlpatterns = [
    path("verification/", views.parcel_check, name="parcel_check"),
    path("carte/", views.map_features, name="map_features"),
    path("donnees/", reference_views.reference_index, name="reference_index"),
    path(
        "communes/<str:insee_code>/donnees/",
        reference_views.reference_page,
        name="reference_data",
    ),
    path(
        "communes/<str:insee_code>/imports/<int:pk>/",
        reference_views.import_run,
        name="import_run",
    ),
    path(
        "communes/<str:insee_code>/imports/<int:pk>/etat/",
        reference_views.import_run_state,
        name="import_run_state",
    ),
    path(
        "communes/<str:insee_code>/imports/<int:pk>/appliquer/",
        reference_views.apply_run,
        name="apply_run",
    ),
    path("adresse/", views.address_search, name="address_search"),
]
