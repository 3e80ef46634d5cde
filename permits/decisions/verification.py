"""What /verifier checks in a PDF (pyHanko), before comparing it with the commune's register.

A file is valid only if it carries exactly one signature, cryptographically intact, made with a
certificate that chains to a commune CA, and covering the entire file: a byte changed, an
incremental update appended after signing (even a "harmless" one), or a signed range that no
longer matches the file all make it not valid. Messages are French: they are shown as they are.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from permits.decisions.signing import crls, trust_roots

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class SignatureReport:
    sha256: str
    valid: bool
    problems: tuple[str, ...] = ()
    signer_name: str = ""
    signer_capacity: str = ""
    signer_organisation: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    details: dict = field(default_factory=dict)  # machine-readable facts, English keys


def _invalid(sha: str, *problems: str, **details) -> SignatureReport:
    return SignatureReport(sha256=sha, valid=False, problems=problems, details=details)


def check_pdf(data: bytes) -> SignatureReport:
    sha = hashlib.sha256(data).hexdigest()
    if not data.startswith(PDF_MAGIC):
        return _invalid(sha, "Le fichier n'est pas un document PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # any parse error means "not a verifiable signed PDF"
        logger.info("verifier: unreadable PDF", extra={"error": repr(error)})
        return _invalid(sha, "Le fichier PDF est illisible ou endommagé.")
    if not signatures:
        return _invalid(sha, "Le document ne comporte aucune signature électronique.")
    if len(signatures) > 1:
        return _invalid(
            sha,
            "Le document comporte plusieurs signatures : ce n'est pas un acte délivré tel quel.",
        )
    context = ValidationContext(
        trust_roots=trust_roots(),
        crls=crls(),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(
            signatures[0], signer_validation_context=context, ts_validation_context=context
        )
    except Exception as error:
        logger.info("verifier: signature not verifiable", extra={"error": repr(error)})
        return _invalid(
            sha, "La signature électronique est illisible ou ne correspond pas au fichier."
        )
    subject = status.signing_cert.subject.native
    problems = []
    if not status.intact:
        problems.append("Le contenu signé a été modifié après la signature.")
    if not status.valid:
        problems.append("La signature électronique n'est pas valide.")
    if not status.trusted:
        problems.append("Le certificat du signataire n'est pas délivré par une autorité reconnue.")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(
            "La signature ne couvre pas la totalité du fichier : des éléments ont été ajoutés "
            "ou modifiés après la signature."
        )
    timestamp = status.timestamp_validity
    signed_at = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    return SignatureReport(
        sha256=sha,
        valid=not problems,
        problems=tuple(problems),
        signer_name=subject.get("common_name", ""),
        signer_capacity=subject.get("title", ""),
        signer_organisation=subject.get("organization_name", ""),
        signed_at=signed_at,
        timestamped=timestamp is not None and timestamp.valid and timestamp.intact,
        details={
            "intact": status.intact,
            "valid": status.valid,
            "trusted": status.trusted,
            "coverage": status.coverage.name,
        },
    )
