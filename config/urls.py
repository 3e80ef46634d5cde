"""The root URLs: each room's urls.py under its prefix, plus home, health, metrics and admin."""

from django.contrib import admin
from django.urls import include, path

from config import metrics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("cadastre/", include("cadastre.urls")),
    path("api/", include("api.urls")),
    path("verifier/", include("permits.decisions.urls")),
    path("", include("permits.urls")),
    path("", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("", include("accessibility.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
