"""E-mails kept in the database by the demo's mailbox backend (permits.mailbox)."""

from django.db import models


class SentMail(models.Model):
    to = models.CharField(max_length=500)  # comma-separated recipients
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return self.subject
