"""URLs that raise each error, to test the French error pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def bad(request):
    raise SuspiciousOperation("test")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("test")


# The site's own URLs too: the error pages link to them.
urlpatterns = [path("400/", bad), path("403/", forbidden), path("500/", broken), *site_urlpatterns]
