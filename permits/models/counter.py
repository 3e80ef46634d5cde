"""A dossier registered at the mairie's counter (issue 23): the legal receipt date, the reason
for a late registration, and the claim code the applicant uses to follow it online."""

from django.conf import settings
from django.db import models


class CounterFiling(models.Model):
    dossier = models.OneToOneField(
        "permits.Dossier", on_delete=models.CASCADE, related_name="counter_filing"
    )
    # R423-3: the date the mairie received the application (on the AR for the post, the
    # electronic acknowledgement for an e-mail), which becomes the filing date.
    received_on = models.DateField("reçu le")
    late_reason = models.TextField("motif de l'enregistrement tardif", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    registered_at = models.DateTimeField("enregistré le", null=True, blank=True)
    # Only a keyed digest of the code is kept here (permits.counter.claim_digest).
    claim_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_filings",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Guichet : {self.dossier} reçu le {self.received_on}"
