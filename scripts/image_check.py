"""The host's half of scripts/image-check.sh: the data a deployment's operator would have
(`prepare`: the demo commune and accounts, the development PKI, an applicant's draft ready to
file), then the checks a person's browser and the commune would make of the served image
(`check`: the home page, /sante/, a password sign-in and a filing over HTTP, the receipt signed
by the image's worker, downloaded and verified). Run with the project's .venv, on the image's
database (DATABASE_URL) and folders (PERMIS_MEDIA_ROOT, PERMIS_PKI_DIR)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import httpx  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from accounts.models import Commune, User  # noqa: E402
from permits.decisions.verification import check_pdf  # noqa: E402
from permits.demo_dossiers import demo_draft  # noqa: E402
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument  # noqa: E402
from permits.pieces.store import add_piece  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request: too chatty here
APPLICANT, PASSWORD = "demandeur", "demo-demandeur-2026"  # fixtures/demo.toml (public)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def prepare(out: Path) -> None:
    call_command("load_demo", verbosity=0)
    call_command("create_dev_pki", verbosity=0)
    applicant = User.objects.get(username=APPLICANT)
    commune = Commune.objects.get(insee_code="91216")
    draft = demo_draft(
        commune, applicant, "DP", "Pose d'une clôture", "91216000AB0123", area_m2=500, consent=False
    )
    add_piece(draft, "DP1", SimpleUploadedFile("situation.png", PNG), applicant)
    out.write_text(str(draft.pk))


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.5)
    sys.exit(f"image check: gave up waiting for {what} after {seconds:g} s")


def check(base_url: str, draft_id: int) -> None:
    # As behind the TLS proxy of docs/deploy.md: the image runs with PERMIS_ENV=production.
    https_origin = base_url.replace("http://", "https://")
    client = httpx.Client(base_url=base_url, headers={"X-Forwarded-Proto": "https"}, timeout=30)
    home = client.get("/")
    assert home.status_code == 200 and "Autorisations d'urbanisme" in home.text, home.text[:300]
    print("home page: OK")

    def worker_alive():
        health = client.get("/sante/").json()
        return health if health["worker"]["alive"] else None

    health = wait_for(worker_alive, 60, "the worker's heartbeat on /sante/")
    print(f"/sante/: {health}")

    # Secure cookies (production): kept by hand, since the client speaks plain HTTP.
    cookies: dict[str, str] = {}

    def remember(response):
        for name, value in response.cookies.items():
            cookies[name] = value

    def send(method, url, **kwargs):
        response = client.request(method, url, cookies=cookies, **kwargs)
        remember(response)
        return response

    page = send("GET", "/connexion/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    headers = {"Origin": https_origin, "Referer": f"{https_origin}/connexion/"}
    signed_in = send(
        "POST",
        "/connexion/",
        headers=headers,
        data={"csrfmiddlewaretoken": token, "login": APPLICANT, "password": PASSWORD},
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    review = f"/dossiers/{draft_id}/brouillon/verifier/"
    page = send("GET", review)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    filed = send(
        "POST",
        review,
        headers={**headers, "Referer": f"{https_origin}{review}"},
        data={
            "csrfmiddlewaretoken": token,
            "certify": "on",
            "electronic_notification_consent": "on",
        },
    )
    assert filed.status_code == 302, filed.text[:500]
    assert filed.headers["location"] == f"/dossiers/{draft_id}/", filed.headers
    print(f"filing over HTTP: OK (dossier {draft_id})")

    def receipt_signed():
        return IssuedDocument.objects.filter(
            dossier_id=draft_id, kind=DocumentKind.RECEPISSE, status=DocumentStatus.SIGNED
        ).first()

    receipt = wait_for(receipt_signed, 120, "the image's worker to sign the receipt")
    download = send("GET", f"/dossiers/{draft_id}/documents/{receipt.pk}/")
    assert download.status_code == 200, download.text[:300]
    kept = Path(os.environ.get("IMAGE_CHECK_LOGS", tempfile.gettempdir())) / "receipt.pdf"
    kept.write_bytes(download.content)
    report = check_pdf(download.content)
    assert report.valid, report.problems
    assert report.sha256 == receipt.sha256
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(download.content)
        pdf.flush()
        pdfsig = ["/usr/bin/pdfsig", pdf.name]  # poppler-utils (scripts/lib.sh)
        out = subprocess.run(pdfsig, capture_output=True, text=True, check=False).stdout  # noqa: S603
    assert "Signature is Valid" in out and "Total document signed" in out, out
    print(f"receipt signed by the image's worker: OK ({report.signer_name}, {receipt.reference})")

    # /metrics sums the requests of gunicorn's workers (config/gunicorn_conf.py) and reads the
    # worker's heartbeat; it needs the token.
    assert client.get("/metrics").status_code == 403
    token = os.environ["PERMIS_METRICS_TOKEN"]
    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
    }
    filings = (("method", "POST"), ("status", "302"), ("view", "permits:draft_review"))
    assert samples.get(("permis_http_requests_total", filings)) == 1, metrics
    assert (
        samples[
            ("permis_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "home")))
        ]
        >= 1
    )
    assert samples[("permis_workers_alive", ())] >= 1
    print("/metrics: OK")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    else:
        check(sys.argv[2], int(sys.argv[3]))
