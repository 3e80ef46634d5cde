"""Opening a served piece runs no script, in Chromium (issue 20). The pieces are stored as an
older release would have kept them (hostile content the upload now refuses): a PDF/HTML
polyglot, an HTML page recorded as a PNG and one recorded as HTML. The officer opens them: the
PDF and the HTML are downloads, the "image" a sandboxed, unsniffed response; the same payload
run as an ordinary page of the browser does run, so its silence here is the headers' doing."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from permits.models import Piece
from tests.factories import filed_dossier, make_team
from tests.permits.hostile_files import pdf_html_polyglot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PAYLOAD = (
    b"<html><head><title>piece</title></head><body>"
    b"<script>document.title = 'pwned'; fetch('/sante/?pwned=' + document.cookie);</script>"
    b"</body></html>"
)


def stored_piece(dossier, user, code, name, content_type, data) -> Piece:
    piece = Piece(
        dossier=dossier,
        code=code,
        original_name=name,
        content_type=content_type,
        extension=name.rsplit(".", 1)[1],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status="disabled",
        uploaded_by=user,
    )
    piece.file.save("piece", ContentFile(data), save=False)
    piece.save()
    return piece


def sign_in_as(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def test_opening_a_served_piece_runs_no_script(live_server, browser_page):
    page = browser_page
    team = make_team()
    dossier = filed_dossier(team)
    polyglot = stored_piece(
        dossier, team.applicant, "PCMI1", "plan.pdf", "application/pdf", pdf_html_polyglot()
    )
    fake_image = stored_piece(dossier, team.applicant, "PCMI2", "photo.png", "image/png", PAYLOAD)
    # A row whose type was tampered with: served inline as it claims, the page would run.
    stored_piece(dossier, team.applicant, "PCMI3", "notice.html", "text/html", PAYLOAD)
    pwned = []
    page.on("request", lambda request: "pwned" in request.url and pwned.append(request.url))
    page.on("dialog", lambda dialog: pwned.append(dialog.message) or dialog.dismiss())

    # The payload is live in this browser: as an ordinary page it runs.
    page.set_content(PAYLOAD.decode())
    page.wait_for_function("() => document.title === 'pwned'")

    sign_in_as(page, live_server, team.officer)
    page.goto(f"{live_server.url}/instruction/{dossier.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="plan.pdf").click()
    assert download.value.suggested_filename == f"PCMI1-v{polyglot.version}.pdf"
    assert page.url.endswith(f"/instruction/{dossier.pk}/")  # the page stayed, nothing opened
    with page.expect_download() as download:
        page.get_by_role("link", name="notice.html").click()
    assert download.value.suggested_filename == "PCMI3-v1.html"
    assert page.url.endswith(f"/instruction/{dossier.pk}/")

    response = page.goto(f"{live_server.url}/dossiers/{dossier.pk}/pieces/{fake_image.pk}/fichier/")
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert response.headers["x-content-type-options"] == "nosniff"
    page.wait_for_load_state("load")
    assert page.title() != "pwned"
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert pwned == []  # no request, no dialog from the payload
