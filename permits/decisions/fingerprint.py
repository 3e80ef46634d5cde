"""The content hash printed in a document's QR code and kept in the register.

Apart from rendering (WeasyPrint) so that issuing a document, which records the hash in the
caller's transaction, does not load the PDF engine that only the signing job needs.
"""

from __future__ import annotations

import hashlib
import json


def content_sha256(content: dict) -> str:
    """The hash printed in the QR code: the document's content, canonically serialised."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
