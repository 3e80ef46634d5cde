"""Cadastre endpoints (parcel check, map features)."""

urlpatterns = []
