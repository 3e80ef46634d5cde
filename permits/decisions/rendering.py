"""HTML templates → PDF/A-3b with WeasyPrint, and the verification QR code.

The fonts are the system's DejaVu (Debian fonts-dejavu-core), found through fontconfig and
embedded (subset) by WeasyPrint; PDF/A-3b adds the XMP `pdfaid` identification and the sRGB
output intent. WeasyPrint may fetch nothing but `data:` URIs: a document never depends on the
network (no CDN, and no way for a template to reach an internal address).
"""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from permits.decisions import conf
from permits.decisions.fingerprint import content_sha256

PDF_VARIANT = "pdf/a-3b"


def verify_url(dossier_number: str, content_hash: str) -> str:
    """The /verifier link printed on a document: its number and content hash let anyone check it
    against the register."""
    query = urlencode({"dossier": dossier_number.replace(" ", ""), "empreinte": content_hash})
    return f"{conf.public_url()}{reverse('decisions:verify')}?{query}"


def qr_data_uri(url: str) -> str:
    """The verification link as a QR code embedded in the page, for a paper copy to be checked."""
    # Level M keeps the code readable on a printed and re-scanned page.
    # PNG: WeasyPrint draws a QR code SVG path far more slowly than it embeds an image.
    return segno.make_qr(url, error="m").png_data_uri(scale=4, border=2)


def render_html(content: dict) -> str:
    """The document's HTML from its recorded content, with the hash and link that tie the paper to
    the register."""
    digest = content_sha256(content)
    url = verify_url(content["dossier_number"], digest)
    return render_to_string(
        content["template"],
        {
            "doc": content,
            "content_sha256": digest,
            "verify_url": url,
            "qr_data_uri": qr_data_uri(url),
        },
    )


def html_to_pdf(html: str, *, pdfa: bool = True) -> bytes:
    """`pdfa=False` is the bare render the benchmark compares with."""
    # deferred: WeasyPrint is heavy, and the signatory's HTML preview does without it
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    options = {"pdf_variant": PDF_VARIANT, "custom_metadata": True} if pdfa else {}
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(**options)


def render_pdf(content: dict) -> bytes:
    """The PDF to sign, from the recorded content: what its printed hash and QR code vouch for."""
    return html_to_pdf(render_html(content))
