"""The demo's mailbox: an e-mail backend that keeps messages in the database, shown on the
/boite-mail/ page to their recipient. Production uses SMTP (DJANGO_EMAIL_BACKEND)."""

from django.core.mail.backends.base import BaseEmailBackend

from permits.models import SentMail


class DatabaseBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        """Keeps each mail in the database for the demo's mailbox (/boite-mail/) instead of sending
        it."""
        for message in email_messages:
            SentMail.objects.create(
                to=", ".join(message.to), subject=message.subject, body=message.body
            )
        return len(email_messages)
