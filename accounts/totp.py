"""The second factor of signatories: TOTP (RFC 6238), as authenticator apps implement it.

A code is accepted in the current 30-second step or the one before or after (clock drift), and
once only: the step of the last accepted code is stored, and codes of that step or earlier are
refused.
"""

import hmac
import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, TOTPDevice

ISSUER_NAME = "Autorisations d'urbanisme"


def second_factor_required(user) -> bool:
    """Signatories must use a second factor (issue 5, point 4)."""
    return user.memberships.filter(role=Role.SIGNATORY).exists()


def has_confirmed_device(user) -> bool:
    """Whether the set-up was finished with a right code: until then sign-in goes to the set-up
    page, not to the code page."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (a new secret unless one is already waiting)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI authenticator apps read from the QR code, labelled with the account."""
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.email or device.user.username, issuer_name=ISSUER_NAME
    )


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (segno, drawn here: nothing is fetched),
    scanned by the authenticator app; the key stays shown as text beside it."""
    qr = segno.make_qr(uri, error="m")
    return qr.svg_inline(
        scale=5, border=4, dark="#000000", light="#ffffff", omitsize=True, svgclass="totp-qr"
    )


def verify(user, code: str, *, confirming: bool = False) -> bool:
    """Accepts a code once (the device row locked, its step stored), so a code seen over a
    shoulder cannot be replayed; `confirming` accepts the unconfirmed device of the set-up."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is None or (device.confirmed_at is None and not confirming):
            return False
        totp = pyotp.TOTP(device.secret)
        step = int(time.time()) // totp.interval
        for candidate in (step - 1, step, step + 1):
            if candidate > device.last_step and hmac.compare_digest(
                totp.generate_otp(candidate), code
            ):
                device.last_step = candidate
                if device.confirmed_at is None:
                    device.confirmed_at = timezone.now()
                device.save(update_fields=["last_step", "confirmed_at"])
                return True
    return False
