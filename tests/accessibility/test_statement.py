"""The accessibility statement: recorded axe-core results merged, published by the command,
and the page generated from them, stating honestly what was (not) tested."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accessibility import results
from accessibility.templatetags import accessibility as tag

pytestmark = pytest.mark.django_db


def axe_response(violations=(), passes=("color-contrast", "image-alt"), when="2026-11-20"):
    return {
        "timestamp": f"{when}T10:00:00.000Z",
        "testEngine": {"name": "axe-core", "version": "4.12.1"},
        "testEnvironment": {"userAgent": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156"},
        "toolOptions": {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}},
        "passes": [{"id": rule} for rule in passes],
        "incomplete": [],
        "violations": [
            {"id": rule, "impact": "serious", "help": help_text, "nodes": [{}, {}]}
            for rule, help_text in violations
        ],
    }


@pytest.fixture
def paths(tmp_path, settings):
    settings.BASE_DIR = tmp_path  # the published file lives under BASE_DIR/docs/accessibility
    tag._cache.clear()
    yield tmp_path / "var" / "axe.json", tmp_path / "docs" / "accessibility" / "results.json"
    tag._cache.clear()


def test_results_are_merged_across_test_files_the_latest_page_wins(paths):
    measured, _ = paths
    results.record("accueil", "http://127.0.0.1:8000/", axe_response(), "156.0", measured)
    results.record("terrain", "http://x/dossiers/3/brouillon/terrain/?a=1#top", axe_response(),
                   "156.0", measured)  # fmt: skip
    results.record("accueil", "http://127.0.0.1:8000/", axe_response(when="2026-11-22"), "156.0",
                   measured)  # fmt: skip
    pages = json.loads(measured.read_text())["pages"]
    assert set(pages) == {"accueil", "terrain"}
    assert pages["terrain"]["path"] == "/dossiers/3/brouillon/terrain/"
    assert pages["accueil"]["tested_at"].startswith("2026-11-22")
    assert pages["accueil"]["browser"] == "Chromium 156.0"


def test_the_command_publishes_and_the_page_states_non_conforme(paths, client):
    measured, published = paths
    results.record("accueil", "http://t/", axe_response(), "156.0.8078.108", measured)
    results.record(
        "terrain", "http://t/terrain/",
        axe_response(violations=[("label", "Form elements must have labels")]), "156.0.8078.108",
        measured,
    )  # fmt: skip
    call_command("accessibility_results", "--source", str(measured))
    summary = json.loads(published.read_text())
    assert summary["conformity"] == "non conforme" and summary["audit"] is None
    assert summary["violations"] == [
        {"id": "label", "impact": "serious", "help": "Form elements must have labels",
         "nodes": 2, "pages": ["/terrain/"]}
    ]  # fmt: skip
    assert summary["rules_passed"] == ["color-contrast", "image-alt"]

    page = client.get(reverse("accessibility:statement")).content.decode()
    assert "est non conforme avec le référentiel général" in page
    assert "faute d'audit de conformité RGAA" in page
    assert "Form elements must have labels" in page and "/terrain/" in page
    assert "Chromium 156.0.8078.108" in page and "axe-core 4.12.1" in page
    assert "20 novembre 2026" in page
    for heading in ("Dérogations pour charge disproportionnée", "Environnement de test",
                    "Retour d'information et contact", "Voies de recours"):  # fmt: skip
        assert heading in page
    assert "Défenseur des droits" in page and "09 69 39 00 00" in page
    assert "Accessibilité : non conforme" in page  # the footer's mention


def test_without_results_the_page_says_so(paths, client):
    page = client.get(reverse("accessibility:statement")).content.decode()
    assert "Aucun résultat de test n'est encore publié" in page
    assert "est non conforme" in page


def test_the_command_refuses_without_measurements(paths):
    measured, _ = paths
    with pytest.raises(CommandError, match="run the browser tests"):
        call_command("accessibility_results", "--source", str(measured))
    measured.parent.mkdir(parents=True)
    measured.write_text('{"pages": {}}')
    with pytest.raises(CommandError, match="no measured page"):
        call_command("accessibility_results", "--source", str(measured))


def test_the_statement_is_linked_from_every_page(client):
    for url in ("/", reverse("permits:choose"), reverse("privacy:notice_index")):
        page = client.get(url, follow=True).content.decode()
        assert reverse("accessibility:statement") in page, url
