"""Cadastre endpoints (parcel check, map features), included at /cadastre/."""

from django.urls import path

from cadastre import views

app_name = "cadastre"

urlpatterns = [
    path("verification/", views.parcel_check, name="parcel_check"),
    path("carte/", views.map_features, name="map_features"),
    path("adresse/", views.address_search, name="address_search"),
]
