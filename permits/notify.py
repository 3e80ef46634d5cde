"""E-mails to the applicant at each step, sent after the transaction commits (a rolled-back
act sends nothing)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def email_applicant(dossier, subject: str, body: str) -> None:
    """Mails the depositor of a dossier, if it has one (a counter filing may have none yet)."""
    send_to(dossier.depositor.email if dossier.depositor_id else "", dossier, subject, body)


def send_to(recipient: str, dossier, subject: str, body: str) -> None:
    """To an address given on paper (the counter), for a dossier without an account yet."""
    if not recipient:
        return
    number = dossier.display_number or "brouillon"

    def send():
        try:
            send_mail(
                f"[{number}] {subject}", body + SIGNATURE, settings.DEFAULT_FROM_EMAIL, [recipient]
            )
        except OSError:  # SMTP down: the act stands; the dossier page shows it anyway
            logger.exception("e-mail not sent", extra={"dossier": dossier.pk})

    transaction.on_commit(send)


SIGNATURE = (
    "\n\nVous pouvez suivre votre dossier dans votre espace en ligne.\n"
    "— Le service urbanisme\n(Message automatique : merci de ne pas y répondre.)"
)
