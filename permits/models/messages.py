"""Messages between the applicant and the instruction service, on one dossier."""

from django.conf import settings
from django.db import models


class Message(models.Model):
    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    from_applicant = models.BooleanField()
    body = models.TextField("message", max_length=5000)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The column, not the relation: "dossier" joins the dossier for its own ordering.
        ordering = ["dossier_id", "sent_at"]

    def __str__(self):
        return f"{self.dossier_id} {self.sent_at:%Y-%m-%d}"
