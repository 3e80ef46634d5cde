"""The accessibility measurements and what the statement says of them.

The browser tests run axe-core on each page (tests/e2e) and `record` each result into a
measured file (var/accessibility/axe-results.json, merged across test files: one entry per
page, the latest wins). `summarize` turns it into the committed docs/accessibility/results.json
(`manage.py accessibility_results`), which the statement page (/accessibilite/) reads.

An automated check is not an RGAA audit: axe-core tests a part of the WCAG criteria only, so
without an audit the service is declared "non conforme" (RGAA 4.1.2, "Obligations", §
"État de conformité": no valid audit results, not compliant). Only the audit's rate decides
"partiellement" (≥ 50 %) or "totalement" (100 %) compliant.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

RGAA_VERSION = "4.1.2"


def measured_path() -> Path:
    return Path(
        os.environ.get("PERMIS_AXE_RESULTS")
        or Path(settings.BASE_DIR) / "var" / "accessibility" / "axe-results.json"
    )


def published_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "accessibility" / "results.json"


@contextmanager
def _locked(path: Path):
    """Two test processes recording at once must not lose each other's pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _path(url: str) -> str:
    """`http://127.0.0.1:8123/dossiers/3/?x=1#top` → `/dossiers/3/`."""
    after_host = url.split("://", 1)[-1].partition("/")[2]
    return "/" + after_host.split("?", 1)[0].split("#", 1)[0]


def record(name: str, url: str, response: dict, browser_version: str, path=None) -> None:
    """Keeps axe-core's `response` for page `name` (the latest measurement of that page)."""
    path = Path(path or measured_path())
    engine = response.get("testEngine") or {}
    environment = response.get("testEnvironment") or {}
    entry = {
        "name": name,
        "path": _path(url),
        "tested_at": response.get("timestamp")
        or datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "axe_version": engine.get("version", ""),
        "browser": f"Chromium {browser_version}",
        "user_agent": environment.get("userAgent", ""),
        "tags": ((response.get("toolOptions") or {}).get("runOnly") or {}).get("values", []),
        "passes": sorted(rule["id"] for rule in response.get("passes", [])),
        "incomplete": sorted(rule["id"] for rule in response.get("incomplete", [])),
        "violations": [
            {
                "id": rule["id"],
                "impact": rule.get("impact") or "",
                "help": rule.get("help", ""),
                "nodes": len(rule.get("nodes", [])),
            }
            for rule in response.get("violations", [])
        ],
    }
    with _locked(path):
        data = json.loads(path.read_text()) if path.exists() else {"pages": {}}
        data["pages"][name] = entry
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def summarize(measured: dict) -> dict:
    """The statement's facts from the measured pages: what was tested, when, with what, the
    rules passed and violated, and the conformity state that can honestly be claimed."""
    pages = sorted(measured.get("pages", {}).values(), key=lambda p: p["path"])
    if not pages:
        raise ValueError("no measured page")
    violations: dict[str, dict] = {}
    for page in pages:
        for rule in page["violations"]:
            item = violations.setdefault(rule["id"], {**rule, "nodes": 0, "pages": []})
            item["nodes"] += rule["nodes"]
            item["pages"].append(page["path"])
    passed = sorted({rule for page in pages for rule in page["passes"]} - set(violations))
    return {
        "rgaa_version": RGAA_VERSION,
        "audit": None,  # no RGAA audit yet: set {"date", "by", "rate"} when one is done
        "conformity": "non conforme",
        "tested_from": min(page["tested_at"] for page in pages)[:10],
        "tested_to": max(page["tested_at"] for page in pages)[:10],
        "axe_versions": sorted({page["axe_version"] for page in pages}),
        "browsers": sorted({page["browser"] for page in pages}),
        "user_agents": sorted({page["user_agent"] for page in pages}),
        "tags": sorted({tag for page in pages for tag in page["tags"]}),
        "pages": [
            {
                "name": page["name"],
                "path": page["path"],
                "tested_at": page["tested_at"],
                "passes": len(page["passes"]),
                "violations": sum(rule["nodes"] for rule in page["violations"]),
            }
            for page in pages
        ],
        "rules_passed": passed,
        "violations": sorted(violations.values(), key=lambda v: v["id"]),
    }


def publish(source=None, output=None) -> dict:
    source, output = Path(source or measured_path()), Path(output or published_path())
    summary = summarize(json.loads(source.read_text()))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return summary


def published(path=None) -> dict | None:
    path = Path(path or published_path())
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
