"""What /verifier checks in a PDF (pyHanko), before comparing it with the commune's register.

A file is valid only if it carries exactly one signature, cryptographically intact, made with a
certificate that chains to a commune CA, and covering the entire file: a byte changed, an
incremental update appended after signing (even a "harmless" one), or a signed range that no
longer matches the file all make it not valid.

A file that is not valid gets one verdict, the first that applies in this order (issue 20 §5):
no signature, unreadable file, altered content, unknown signer, several signatures, signature
not covering the file. The order goes from what makes the other questions meaningless to the
least: an altered file says nothing reliable about its signer, so the commune's own
certificate is never called "not recognised" when the content was changed.

A valid signature is either the commune's organisation seal (a certificate of a legal person,
ETSI EN 319 412-3: no given name nor surname) or a person's (the mayor's, a deputy's).
Messages are French: they are shown as they are; verdict codes are English, for machines.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from permits.decisions.forms import NOT_A_PDF, PDF_MAGIC
from permits.decisions.signing import crls, trust_roots

logger = logging.getLogger(__name__)

# Each signature is validated (hash of its range, chain): a hostile upload with thousands must
# not cost thousands. Beyond this many, the first ones decide between altered, unknown signer
# and several signatures — an act the commune issued has exactly one.
MAX_SIGNATURES_CHECKED = 8


class Verdict(enum.Enum):
    """One per report, in the order of precedence; `message` is what /verifier prints."""

    VALID = ("valid", "")
    NO_SIGNATURE = ("no_signature", "Le document ne comporte aucune signature électronique.")
    UNREADABLE = ("unreadable", "Le fichier PDF ou sa signature est illisible ou endommagé.")
    ALTERED = (
        "altered",
        "Le contenu du document a été modifié après la signature : il ne correspond plus à ce "
        "qui a été signé.",
    )
    UNKNOWN_SIGNER = (
        "unknown_signer",
        "Le certificat du signataire n'est pas délivré par une autorité reconnue par la commune.",
    )
    SEVERAL_SIGNATURES = (
        "several_signatures",
        "Le document comporte plusieurs signatures : ce n'est pas un acte délivré tel quel.",
    )
    PARTIAL_COVERAGE = (
        "partial_coverage",
        "La signature ne couvre pas la totalité du fichier : des éléments ont été ajoutés ou "
        "modifiés après la signature.",
    )

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SignatureReport:
    sha256: str
    valid: bool
    problems: tuple[str, ...] = ()  # at most one: the verdict's message
    verdict: str = Verdict.VALID.code
    signer_name: str = ""
    signer_capacity: str = ""
    signer_organisation: str = ""
    sealed: bool = False  # the commune's organisation seal, not a person's signature
    signed_at: datetime | None = None
    timestamped: bool = False
    details: dict = field(default_factory=dict)  # machine-readable facts, English keys


def _invalid(sha: str, verdict: Verdict, message: str = "", **details) -> SignatureReport:
    return SignatureReport(
        sha256=sha,
        valid=False,
        problems=(message or verdict.message,),
        verdict=verdict.code,
        details=details,
    )


def _has_signature_value(sig_object) -> bool:
    """A signature dictionary with a CMS in /Contents; an empty field, or a placeholder whose
    /Contents is absent, empty or all zeros, signs nothing."""
    sig_object = sig_object.get_object()
    if not isinstance(sig_object, generic.DictionaryObject):
        return False
    contents = sig_object.get("/Contents")
    if isinstance(contents, generic.TextStringObject):  # bytes that happened to decode as text
        contents = contents.original_bytes
    return isinstance(contents, bytes) and bool(contents.strip(b"\x00"))


def check_pdf(data: bytes) -> SignatureReport:
    """The verdict on a PDF's signatures (intact, valid, trusted), with its SHA-256 for the
    register's comparison; any file gets a verdict, a malformed one included."""
    sha = hashlib.sha256(data).hexdigest()
    if not data.startswith(PDF_MAGIC):
        return _invalid(sha, Verdict.UNREADABLE, NOT_A_PDF)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        filled = [sig for _name, sig, _field in enumerate_sig_fields(reader, filled_status=True)]
    except Exception as error:  # any parse error means "not a verifiable PDF"
        logger.info("verifier: unreadable PDF", extra={"error": repr(error)})
        return _invalid(sha, Verdict.UNREADABLE)
    try:
        if not any(_has_signature_value(sig) for sig in filled):
            return _invalid(sha, Verdict.NO_SIGNATURE)
        signatures = reader.embedded_signatures
    except Exception as error:
        logger.info("verifier: unreadable signature", extra={"error": repr(error)})
        return _invalid(sha, Verdict.UNREADABLE)
    if not signatures:  # signature dictionaries of a kind pyHanko does not validate
        return _invalid(sha, Verdict.UNREADABLE)
    context = ValidationContext(
        trust_roots=trust_roots(),
        crls=crls(),
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        statuses = [
            validate_pdf_signature(
                signature, signer_validation_context=context, ts_validation_context=context
            )
            for signature in signatures[:MAX_SIGNATURES_CHECKED]
        ]
    except Exception as error:
        logger.info("verifier: signature not verifiable", extra={"error": repr(error)})
        return _invalid(sha, Verdict.UNREADABLE)
    details = {
        "signatures": len(signatures),
        "intact": all(s.intact for s in statuses),
        "valid": all(s.valid for s in statuses),
        "trusted": all(s.trusted for s in statuses),
        "coverage": statuses[-1].coverage.name,
    }
    if not details["intact"] or not details["valid"]:
        return _invalid(sha, Verdict.ALTERED, **details)
    if not details["trusted"]:
        return _invalid(sha, Verdict.UNKNOWN_SIGNER, **details)
    if len(signatures) > 1:
        return _invalid(sha, Verdict.SEVERAL_SIGNATURES, **details)
    status = statuses[0]
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return _invalid(sha, Verdict.PARTIAL_COVERAGE, **details)
    subject = status.signing_cert.subject.native
    timestamp = status.timestamp_validity
    return SignatureReport(
        sha256=sha,
        valid=True,
        signer_name=subject.get("common_name", ""),
        signer_capacity=subject.get("title", ""),
        signer_organisation=subject.get("organization_name", ""),
        sealed=not any(subject.get(k) for k in ("given_name", "surname", "pseudonym")),
        signed_at=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        timestamped=timestamp is not None and timestamp.valid and timestamp.intact,
        details=details,
    )
