"""What a `manage.py` command imports when it starts: the heavy libraries stay with the code
that uses them (docs/architecture.md "Start-up"; bench/startup.py times it, never a test).

Each command runs in a fresh interpreter, through the real manage.py, and reports the modules
it holds when it exits (sys.modules: `-X importtime` would miss those loaded by
importlib.import_module, such as the URLconfs).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Loaded where they are used: rendering and signing (rendering.html_to_pdf, .signing),
# /verifier's check, the PDF checks of a piece, the sign-in, the HTTP clients, the API.
HEAVY = (
    "weasyprint",
    "fontTools",
    "pyhanko",
    "pyhanko_certvalidator",
    "pypdf",
    "aiohttp",
    "authlib",
    "joserfc",
    "django.test",
    "rest_framework.test",
    "drf_spectacular.plumbing",
    "drf_spectacular.views",
    "api.views",
    "permits.decisions.signing",
    "permits.decisions.verification",
    "permits.platau.client",
    "accounts.oidc.client",
    "cadastre.refresh",
)
# A command that loads no URLconf runs no template check either: DRF's template tags (which
# load requests, PyYAML and Pygments) and the views stay out too.
NOT_WITHOUT_URLCONF = ("requests", "yaml", "pygments", settings.ROOT_URLCONF, "permits.views")


# manage.py run as `python manage.py ARGS` would run it, printing sys.modules when it exits.
RUN_AND_LIST = (
    "import atexit, json, runpy, sys\n"
    "atexit.register(lambda: sys.__stderr__.write('MODULES ' + json.dumps(sorted(sys.modules))))\n"
    "sys.argv = ['manage.py', *sys.argv[1:]]\n"
    "runpy.run_path('manage.py', run_name='__main__')\n"
)


def imported_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    listing = result.stderr.rsplit("MODULES ", 1)[1]
    return set(json.loads(listing))


def loaded(modules: set[str], names) -> list[str]:
    """The names imported, themselves or through one of their submodules."""
    return sorted(
        name for name in names if any(m == name or m.startswith(name + ".") for m in modules)
    )


@pytest.fixture(scope="module")
def check_modules():
    return imported_by("check")


def test_check_loads_the_urlconf_without_the_heavy_libraries(check_modules):
    # It did load what it checks: the root URLconf, every room's URLs and views.
    assert {settings.ROOT_URLCONF, "permits.urls", "api.urls", "api.lazy"} <= check_modules
    assert loaded(check_modules, HEAVY) == []


def test_deadlines_help_loads_neither_heavy_libraries_nor_the_urlconf():
    modules = imported_by("deadlines", "--help")
    assert "workflow.clock" in modules  # the command itself was imported
    assert loaded(modules, HEAVY + NOT_WITHOUT_URLCONF) == []


@pytest.mark.django_db
def test_the_api_resolves_through_its_lazy_views(client):
    """The API's views load at first use and answer as eagerly imported ones did: DRF's class
    (read by the schema generator) and CSRF exemption are the real view's."""
    from django.urls import resolve

    from api.views import DossierList

    match = resolve("/api/dossiers/")
    assert match.func.cls is DossierList and match.func.csrf_exempt is True
    assert match.view_name == "api:dossiers"
    assert client.get("/api/dossiers/").status_code == 401
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/schema/" in schema["paths"] and "/api/dossiers/" in schema["paths"]
    assert "serviceToken" in schema["components"]["securitySchemes"]  # api.schema's extension
