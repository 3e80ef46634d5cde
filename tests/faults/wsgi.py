"""The project's WSGI application for the fault tests' gunicorn, with static files from the
finders as tests/conftest.py sets them in-process (tests run without collectstatic)."""

from django.conf import settings

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
