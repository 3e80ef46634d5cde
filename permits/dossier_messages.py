"""The messages of a dossier between its applicant and the instructing service: kept with the
dossier, and, when the service writes, the applicant told by e-mail (after the commit,
permits.notify) that a message waits in their space."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from permits.models import Dossier, Message
from permits.notify import email_applicant


@transaction.atomic
def post_message(dossier: Dossier, author: User, body: str) -> Message:
    """Keeps the message; the applicant is e-mailed only for a message from the service."""
    from_applicant = dossier.depositor_id == author.pk
    message = Message.objects.create(
        dossier=dossier, author=author, from_applicant=from_applicant, body=body
    )
    if not from_applicant:
        email_applicant(
            dossier,
            "Nouveau message du service urbanisme",
            "Un message vous attend dans votre espace, sur la page du dossier.",
        )
    return message
