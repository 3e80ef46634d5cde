"""A decision whose signing job comes too late: it stops once, visibly, and is never retried.

The signatory clicks "Signer" while the dossier awaits signature; the job signs later (a queue,
a worker restart). If by then the délai has run out, a tacit decision exists (L424-2, R424-1;
R424-2 for a refusal), or an avis conforme arrived that the decision contradicts (L632-2), and
the workflow's `sign` refuses (workflow.models.instruction); if the
dossier left the parapheur meanwhile (sent back, withdrawn, a tacit decision fired by the
timers), there is nothing left to sign. Failing would only retry the same refusal until the
job's attempts run out, leaving a pending document and the dossier "awaiting signature".
Instead the document is marked abandoned (its number stays in the register of acts, with no
file), the dossier's log says why, the tacit decision is recorded at once if it is due, and the
signatory and the officer in charge are told by e-mail.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from permits.models import Dossier
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from workflow.errors import TransitionRefused
from workflow.events import record_event
from workflow.models.instruction import check_binding_opinions
from workflow.states import State
from workflow.timers import with_facts
from workflow.transitions import fire

logger = logging.getLogger(__name__)


def reason_not_to_sign(document: IssuedDocument, on: date) -> str:
    """French reason why this pending decision can no longer be signed on `on`, or ""."""
    if document.kind != DocumentKind.DECISION:
        return ""
    dossier = with_facts(Dossier.objects).get(pk=document.dossier_id)
    if dossier.state != State.AWAITING_SIGNATURE:
        return (
            f"Le dossier n'attend plus de signature : il est passé à l'état "
            f"« {State(dossier.state).label} »."
        )
    notice = dossier.tacit_decision_notice(on)
    if notice:
        return notice
    # An avis conforme that arrived after the click (PLAT'AU) binds the decision (L632-2).

    try:
        check_binding_opinions(dossier, dossier.decision_outcome)
    except TransitionRefused as refused:
        return str(refused)
    return ""


def abandon(document: IssuedDocument, reason: str, on: date) -> IssuedDocument:
    """Marks the pending decision abandoned, records why on the dossier and, if the délai ran
    out, the tacit decision; tells the signatory and the officer. Idempotent."""
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.PENDING:
            return locked
        locked.status = DocumentStatus.ABANDONED
        locked.save(update_fields=["status"])
        dossier = with_facts(Dossier.objects).get(pk=locked.dossier_id)
        record_event(
            dossier,
            "signature_abandoned",
            actor=None,
            payload={
                "document": locked.reference,
                "document_kind": locked.kind,
                "outcome": locked.outcome,
                "reason": reason,
            },
        )
        # The machine says whether a tacit decision exists on `on` (L424-2, R424-1).
        if dossier.state == State.AWAITING_SIGNATURE and dossier.tacit_decision_notice(on):
            try:  # the timers would do it within the hour; the parapheur must not wait
                dossier = fire(dossier, "arise_tacit_decision", actor=None, today=on)
            except TransitionRefused:
                logger.warning("tacit decision not recorded", extra={"dossier": dossier.pk})
        _tell_agents(locked, dossier, reason)
    logger.warning(
        "signature abandoned",
        extra={"document": locked.reference, "dossier": dossier.pk, "state": dossier.state},
    )
    return locked


def _tell_agents(document: IssuedDocument, dossier: Dossier, reason: str) -> None:
    recipients = sorted(
        {u.email for u in (document.signatory, dossier.assignee) if u is not None and u.email}
    )
    if not recipients:
        return
    subject = f"[{dossier.display_number}] Décision non signée : {document.reference}"
    body = (
        f"Le projet de décision {document.reference} du dossier {dossier.display_number} n'a "
        f"pas été signé.\n\n{reason}\n\nLe document est abandonné ; son numéro reste au "
        "registre des actes. Le dossier et son historique sont à jour."
    )

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except OSError:  # SMTP down: the dossier's log says it anyway
            logger.exception("e-mail not sent", extra={"dossier": dossier.pk})

    transaction.on_commit(send)
