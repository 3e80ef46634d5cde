"""What the privacy app keeps: the company register's cache, the draft reminders of the
retention timers, the agents' access log and each commune's privacy notice details."""

from django.conf import settings
from django.db import models


class CompanyRecord(models.Model):
    """One establishment as the company register (SIRENE) last gave it: a cache, so the
    register is asked once per SIRET and period (privacy.sirene)."""

    siret = models.CharField("SIRET", max_length=14, primary_key=True)
    name = models.CharField("dénomination", max_length=250)
    legal_form = models.CharField("forme juridique", max_length=150, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=10, blank=True)
    locality = models.CharField("localité", max_length=150, blank=True)
    fetched_at = models.DateTimeField("reçu le")

    class Meta:
        verbose_name = "établissement (cache SIRENE)"
        verbose_name_plural = "établissements (cache SIRENE)"

    def __str__(self):
        return f"{self.name} ({self.siret})"


class DraftReminder(models.Model):
    """The reminders sent about an untouched draft before it is deleted (privacy.retention)."""

    dossier = models.OneToOneField(
        "permits.Dossier", on_delete=models.CASCADE, related_name="retention_reminder"
    )
    count = models.PositiveSmallIntegerField(default=0)
    first_sent_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()

    def __str__(self):
        return f"{self.dossier_id}: {self.count}"


class AccessLog(models.Model):
    """An agent opened a dossier or downloaded one of its documents (who, what, when)."""

    class Action(models.TextChoices):
        VIEW = "view", "consultation du dossier"
        DOWNLOAD = "download", "téléchargement d'un document"

    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.CASCADE, related_name="access_logs"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossier_accesses"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier", "-at"])]

    def __str__(self):
        return f"{self.agent_id} {self.action} {self.dossier_id}"


class PrivacyNotice(models.Model):
    """A commune's own details for its privacy notice; without a row the notice names the
    commune and its mayor as controller."""

    commune = models.OneToOneField(
        "accounts.Commune", on_delete=models.CASCADE, related_name="privacy_notice"
    )
    controller = models.CharField("responsable du traitement", max_length=300)
    dpo_contact = models.CharField("contact du délégué à la protection des données", max_length=300)
    additional = models.TextField("informations complémentaires", blank=True)

    class Meta:
        verbose_name = "mentions d'information"
        verbose_name_plural = "mentions d'information"

    def __str__(self):
        return str(self.commune)
