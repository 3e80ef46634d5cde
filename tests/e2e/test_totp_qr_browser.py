"""The TOTP set-up shows a QR code (issue 19): read back from the page's screenshot by a real
decoder (zxing-cpp), it is the provisioning URI of the key shown as text; the code the
authenticator then gives activates the second factor."""

import io

import pyotp
import pytest

from accounts.models import TOTPDevice
from tests.e2e.test_applicant_browser import Journey
from tests.e2e.test_officer_browser import sign_in
from tests.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_totp_setup_shows_a_scannable_qr_code(live_server, browser_page, width):
    import zxingcpp
    from PIL import Image

    team = make_team()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    j = Journey(page, live_server.url)
    sign_in(page, j, team.mayor)  # a signatory without a second factor yet
    assert "/second-facteur/activer/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    j.checkpoint(f"totp-qr-{width}")

    image = Image.open(io.BytesIO(page.locator("#totp-qr").screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    uri = found[0].text
    secret = page.inner_text(".totp-secret").strip()
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri

    page.fill("#id_code", pyotp.parse_uri(uri).now())  # what the app would show
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state()
    assert TOTPDevice.objects.get(user=team.mayor).confirmed_at is not None
