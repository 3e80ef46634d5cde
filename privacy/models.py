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
    """An agent or a system (API service account) read a dossier or one of its documents (who,
    what, when, through which channel). Exactly one of agent and service_account is set."""

    class Action(models.TextChoices):
        VIEW = "view", "consultation du dossier"
        DOWNLOAD = "download", "téléchargement d'un document"
        PIECES = "pieces", "liste des pièces"
        EVENTS = "events", "historique"
        DOCUMENTS = "documents", "liste des documents émis"

    class Channel(models.TextChoices):
        SITE = "site", "site"
        API = "api", "API"

    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.CASCADE, related_name="access_logs"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossier_accesses",
        null=True,
        blank=True,
    )
    service_account = models.ForeignKey(
        "api.ServiceAccount",
        on_delete=models.PROTECT,
        related_name="dossier_accesses",
        null=True,
        blank=True,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.SITE)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier", "-at"])]
        constraints = [
            models.CheckConstraint(
                name="access_log_one_reader",
                condition=models.Q(agent__isnull=False, service_account__isnull=True)
                | models.Q(agent__isnull=True, service_account__isnull=False),
            )
        ]

    def __str__(self):
        reader = self.agent_id or f"service:{self.service_account_id}"
        return f"{reader} {self.action} {self.dossier_id} ({self.channel})"


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
