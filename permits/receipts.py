"""The receipt of filing (R423-3 to R423-5): issued in the filing's own transaction, signed by
the commune's signing job, so no filed dossier ever lacks its receipt."""

from __future__ import annotations

import logging

from accounts.models import Membership, Role
from permits.decisions.issuing import issue_letter_as
from permits.models import Dossier
from permits.models.documents import DocumentKind

logger = logging.getLogger(__name__)


def commune_signatory(dossier: Dossier):
    """The mayor, or else a deputy whose delegation is in force: who signs automatic letters."""
    signatories = (
        Membership.objects.active()
        .filter(role=Role.SIGNATORY, commune_id=dossier.commune_id)
        .select_related("user")
    )
    return signatories.filter(delegation_reference="").first() or signatories.first()


def issue_receipt(dossier: Dossier, **content):
    """`content` goes to the receipt's builder (the counter's claim code)."""
    membership = commune_signatory(dossier)
    if membership is None:
        # A commune without a signatory cannot issue acts; the officer sees the dossier
        # without its receipt and the log says why.
        logger.error("no signatory: receipt not issued", extra={"dossier": dossier.pk})
        return None
    return issue_letter_as(dossier, membership, DocumentKind.RECEPISSE, **content)
