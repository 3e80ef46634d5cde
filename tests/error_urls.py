"""URLs that raise each error, to test the French error pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def bad(request):
    raise SuspiciousOperation("test")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("test")


urlpatterns = [path("400/", bad), path("403/", forbidden), path("500/", broken)]
