"""The certificates a person asks for, which no transition issues: the certificate of a tacit
decision (R424-13) and the attestation of non-contestation of conformity (R462-10). Each asks
the machine whether it may be delivered, then issues its letter, sealed by the signing job; the
views only call these."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from permits.decisions.issuing import issue_letter
from permits.instructing import required_signatory
from permits.models import Dossier
from permits.models.documents import DocumentKind


def issue_tacit_certificate(dossier: Dossier, officer: User) -> None:
    """R424-13: on request, the certificate stating the date of the tacit decision, naming
    the officer who issues it; refused with the machine's reason when there is none."""
    refusal = dossier.tacit_certificate_refusal()
    if refusal is not None:
        raise refusal
    issue_letter(dossier, officer, DocumentKind.TACIT_CERTIFICATE)


@transaction.atomic
def issue_conformity_attestation(dossier: Dossier) -> None:
    """R462-10: the holder's attestation, issued at once (the article allows 15 days) in the
    name of the commune's signatory; refused with the machine's reason before the window has
    closed without a contest."""
    refusal = dossier.conformity_attestation_refusal()
    if refusal is not None:
        raise refusal
    issue_letter(
        dossier,
        required_signatory(dossier).user,
        DocumentKind.CONFORMITY_ATTESTATION,
        daact_received=dossier.daact_received_on,
    )
