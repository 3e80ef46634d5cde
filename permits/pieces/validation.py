"""Checking an uploaded piece by its content, never by its name or declared type.

A piece is a PDF, a JPEG or a PNG, under a size limit, hiding no web page or script; a PDF has
a bounded number of pages and no active content (active_content.py: refused, not cleaned).
Messages are French, for the applicant; nothing is stored until the file has passed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}

HIDDEN_MARKUP = re.compile(rb"<(script|html|svg|iframe|\?php)", re.IGNORECASE)


class PieceRefused(ValueError):
    """The file cannot be accepted; the message says why, in French."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    pages: int
    sha256: str


def _sniff(head: bytes) -> tuple[str, str]:
    # A PDF may start after a few bytes of junk (the spec tolerates 1024): look there too.
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic) or (magic == b"%PDF-" and magic in head[:1024]):
            return kind
    raise PieceRefused(
        "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, pas "
        "seulement son nom). Enregistrez-le dans l'un de ces formats puis réessayez."
    )


def _hidden_markup(data: bytes):
    """A web page or a script inside a piece: a PDF/HTML polyglot, a PHP payload in an image's
    metadata. Opened with the wrong type (or by a careless tool) it would run, so it is refused.
    In compressed or image data these byte sequences do not occur by chance."""
    found = HIDDEN_MARKUP.search(data)
    if found:
        tag = found.group(0).decode("ascii", "replace")
        raise PieceRefused(
            f"Ce fichier contient du code de page web ou de script caché (« {tag} ») : il "
            "n'est pas accepté. Réenregistrez-le depuis votre logiciel (PDF, JPEG ou PNG) "
            "puis réessayez."
        )


def _check_pdf(data: bytes) -> int:
    """The page count of a plain PDF (not encrypted, within the page limit, nothing active)."""
    # deferred: pypdf, only when a PDF is checked
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # deferred: it walks pypdf's objects, so it imports pypdf too
    from permits.pieces.active_content import find_active_content

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PieceRefused(
                "Ce PDF est protégé par un mot de passe : déposez une version sans protection."
            )
        pages = len(reader.pages)
        if pages > settings.PERMIS_PIECE_MAX_PAGES:  # before the walk, which reads every page
            raise PieceRefused(
                f"Ce PDF compte {pages} pages ; une pièce en compte au plus "
                f"{settings.PERMIS_PIECE_MAX_PAGES}. Scindez-la ou retirez les pages inutiles."
            )
        active = find_active_content(reader)
    except PieceRefused:
        raise
    # PyPdfError: unreadable, and beyond pypdf's limits (a stream inflating past 75 MB…).
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise PieceRefused(
            "Ce PDF est illisible ou endommagé. Réenregistrez-le puis réessayez."
        ) from error
    if active:
        logger.warning("active pdf refused", extra={"feature": active.feature})
        raise PieceRefused(active.message())
    return pages


def check_upload(uploaded) -> CheckedFile:
    """Validates a Django UploadedFile; raises PieceRefused."""
    max_bytes = settings.PERMIS_PIECE_MAX_BYTES
    if uploaded.size > max_bytes:
        raise PieceRefused(
            f"Ce fichier pèse {uploaded.size / 1_000_000:.1f} Mo ; la limite est de "
            f"{max_bytes / 1_000_000:.0f} Mo par pièce. Réduisez sa taille (résolution des "
            "images, compression du PDF) puis réessayez."
        )
    if uploaded.size == 0:
        raise PieceRefused("Ce fichier est vide.")
    uploaded.seek(0)
    data = uploaded.read()
    content_type, extension = _sniff(data[:1024])
    _hidden_markup(data)
    pages = _check_pdf(data) if content_type == "application/pdf" else 1
    uploaded.seek(0)
    return CheckedFile(content_type, extension, len(data), pages, hashlib.sha256(data).hexdigest())
