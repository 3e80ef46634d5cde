"""PLAT'AU (the State's hub for planning applications, programme Démat.ADS): which communes
exchange through it, the hub's ids of our objects, and every message exchanged (docs/platau.md).
"""

from django.db import models


class PlatauAccount(models.Model):
    """A commune whose instruction exchanges with the State's services through PLAT'AU; a
    commune without one keeps the local consulted services' workspace."""

    commune = models.OneToOneField(
        "accounts.Commune", on_delete=models.PROTECT, related_name="platau_account"
    )
    # The instruction service's actor id (`Id-Acteur-Appelant`, `idActeurServiceInstructeur`).
    actor_id = models.CharField("identifiant d'acteur PLAT'AU", max_length=64)
    # The last notification read (`GET notifications?offset=`).
    notification_cursor = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"PLAT'AU {self.commune} ({self.actor_id})"


class PlatauLink(models.Model):
    """The hub's id of one of our objects (dossier, piece, consultation, service, act)."""

    kind = models.CharField(max_length=20)
    local_id = models.PositiveBigIntegerField()
    platau_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "local_id"], name="platau_link_local"),
            models.UniqueConstraint(fields=["kind", "platau_id"], name="platau_link_remote"),
        ]

    def __str__(self):
        return f"{self.kind} {self.local_id} → {self.platau_id}"


class ExchangeStatus(models.TextChoices):
    PENDING = "pending", "en cours"
    SENT = "sent", "envoyé"
    FAILED = "failed", "échec"
    APPLIED = "applied", "reçu et appliqué"
    REJECTED = "rejected", "reçu et refusé"
    IGNORED = "ignored", "reçu, déjà traité"


class PlatauExchange(models.Model):
    """One message to or from PLAT'AU, kept with its body and answer. `key` makes each message
    idempotent: an outgoing one already sent is never sent again, an incoming one (a
    notification, an opinion) is applied once."""

    dossier = models.ForeignKey(
        "permits.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platau_exchanges",
    )
    commune = models.ForeignKey("accounts.Commune", on_delete=models.PROTECT)
    outgoing = models.BooleanField()
    message = models.CharField(max_length=40)  # deposit, piece, consultation, act, pec, opinion…
    key = models.CharField(max_length=200, unique=True)
    method = models.CharField(max_length=6, blank=True)
    path = models.CharField(max_length=300, blank=True)
    request = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ExchangeStatus.choices)
    error = models.TextField(blank=True)  # French, shown to the officer
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dossier_id", "created_at", "pk"]
        indexes = [models.Index(fields=["dossier", "created_at"])]

    def __str__(self):
        return f"{self.message} {self.key} ({self.status})"
