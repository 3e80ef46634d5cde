"""Site-wide behaviour: home, health, French error pages, headers, production safety."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_home_page_is_in_french_and_lists_the_procedures(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Autorisations d'urbanisme" in html
    assert "Permis de construire pour une maison individuelle" in html
    assert "cerfa n° 13406" in html
    assert 'href="#contenu"' in html  # skip link (RGAA 12.7)


def test_home_page_loads_nothing_from_another_origin(client):
    html = client.get("/").content.decode()
    assert "http://" not in html and "https://" not in html


def test_health_reports_the_database(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert set(body["worker"]) == {"alive", "heartbeat_age_s"}  # tests/test_metrics.py
    assert set(body["queue"]) == {"oldest_job_age_s"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_says_503_when_the_database_is_gone(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_page_gives_the_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/400/", 400, "Requête incorrecte"),
        ("/403/", 403, "Accès refusé"),
        ("/500/", 500, "Erreur du service"),
    ],
)
def test_error_pages_are_french(path, status, title):
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == status
    assert title in response.content.decode()


def test_security_headers_are_set(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_forms_need_the_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_health_refuses_writes(client):
    assert client.post("/sante/").status_code == 405


def _settings_in_subprocess(**env):
    """Imports the settings in a fresh interpreter with the given environment."""
    full_env = {**os.environ, **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; "
            "django.setup(); print(settings.DEBUG)",
        ],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_asked():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_production_refuses_the_demo_secret_key():
    result = _settings_in_subprocess(
        PERMIS_ENV="production", DJANGO_ALLOWED_HOSTS="example.org", DJANGO_SECRET_KEY=""
    )
    result_default = _settings_in_subprocess(
        PERMIS_ENV="production", DJANGO_ALLOWED_HOSTS="example.org"
    )
    for run in (result, result_default):
        assert run.returncode != 0
        assert "needs a real DJANGO_SECRET_KEY" in run.stderr


def test_production_starts_with_a_real_key():
    result = _settings_in_subprocess(
        PERMIS_ENV="production",
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SECRET_KEY="k" * 20 + "a-real-random-key-of-fifty-chars!!",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_refuses_debug():
    result = _settings_in_subprocess(
        PERMIS_ENV="production",
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_DEBUG="1",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


@override_settings(DEBUG=False)
def test_request_log_is_one_json_object(client, caplog):
    import json
    import logging

    from core.logging import JsonFormatter

    with caplog.at_level(logging.INFO, logger="permis.request"):
        client.get("/sante/")
    record = next(r for r in caplog.records if r.name == "permis.request")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "request"
    assert entry["path"] == "/sante/"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"
