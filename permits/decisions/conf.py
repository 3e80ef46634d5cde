"""Configuration of documents and signatures, from the environment (docs/deploy.md).

Read at each use, not at import, so that a test or a command can point them elsewhere.

PERMIS_PUBLIC_URL          base of the /verifier URL printed in QR codes
PERMIS_DOCUMENTS_ROOT      where signed PDFs are stored without a bucket (permits.decisions.storage;
                           private: never served as static)
PERMIS_PKI_DIR             trust roots (ca.pem, crl.pem), signatories' .p12, the communes'
                           seals (seals/cachet-<INSEE>.p12), dev TSA
PERMIS_PKI_PASSPHRASE      passphrase of the encrypted keys (PKCS#12, CA and TSA keys)
PERMIS_SIGNING_BACKEND     pkcs12 (default) or pkcs11
PERMIS_PKCS11_MODULE / PERMIS_PKCS11_TOKEN / PERMIS_PKCS11_PIN   the token (SoftHSM2 in tests)
PERMIS_TSA_URL             "" → PAdES B-B; an RFC 3161 URL, or "dev" for the development PKI's
                           in-process TSA → B-LT (PERMIS_PADES_LEVEL=B-T for B-T only)
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Public on purpose: it protects only the development PKI; production refuses it.
DEMO_PKI_PASSPHRASE = "permis-demo-pki"  # noqa: S105


def public_url() -> str:
    """The site's address printed in documents (verification link, QR code)."""
    return os.environ.get("PERMIS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def documents_root() -> Path:
    """Where issued documents are kept on disk, apart from the uploaded pieces (MEDIA_ROOT)."""
    default = Path(settings.BASE_DIR) / "var" / "documents"
    return Path(os.environ.get("PERMIS_DOCUMENTS_ROOT", default))


def pki_dir() -> Path:
    """Where the signing keys and certificates live (the demo PKI by default)."""
    return Path(os.environ.get("PERMIS_PKI_DIR", Path(settings.BASE_DIR) / "var" / "pki"))


def pki_passphrase() -> bytes:
    """The key's passphrase; production refuses none and the demo's, known to everybody."""
    value = os.environ.get("PERMIS_PKI_PASSPHRASE", "")
    if not value:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("PERMIS_PKI_PASSPHRASE is required in production")
        value = DEMO_PKI_PASSPHRASE
    elif settings.PRODUCTION and value == DEMO_PKI_PASSPHRASE:
        raise ImproperlyConfigured("PERMIS_PKI_PASSPHRASE must not be the demo passphrase")
    return value.encode()


def signing_backend() -> str:
    """A PKCS#12 file or a PKCS#11 token (HSM, smart card): refused at once if misspelt."""
    backend = os.environ.get("PERMIS_SIGNING_BACKEND", "pkcs12")
    if backend not in ("pkcs12", "pkcs11"):
        raise ImproperlyConfigured("PERMIS_SIGNING_BACKEND must be pkcs12 or pkcs11")
    return backend


def pkcs11() -> tuple[str, str, str]:
    """(module path, token label, user PIN)."""
    try:
        return (
            os.environ["PERMIS_PKCS11_MODULE"],
            os.environ["PERMIS_PKCS11_TOKEN"],
            os.environ["PERMIS_PKCS11_PIN"],
        )
    except KeyError as missing:
        raise ImproperlyConfigured(f"{missing.args[0]} is required for PKCS#11 signing") from None


def tsa_url() -> str:
    """The time-stamp authority (RFC 3161); empty: documents are signed without a time-stamp (PAdES
    B-B)."""
    return os.environ.get("PERMIS_TSA_URL", "")


def pades_level() -> str:
    """B-B without a time-stamp authority; B-LT (or B-T if asked) with one (§7.3)."""
    if not tsa_url():
        return "B-B"
    level = os.environ.get("PERMIS_PADES_LEVEL", "B-LT")
    if level not in ("B-T", "B-LT"):
        raise ImproperlyConfigured("PERMIS_PADES_LEVEL must be B-T or B-LT")
    return level
