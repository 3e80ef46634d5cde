"""Service accounts: the systems (connectors, a département's SIG, PLAT'AU bridges) that call
the API with a token, each limited to its communes and its scopes.

Only the SHA-256 of the token is stored: the token is random (256 bits), so a fast hash is
enough and the lookup stays one indexed equality; the clear token is shown once, at creation.
"""

import hashlib
import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import models

TOKEN_PREFIX = "permis_"  # noqa: S105 (a marker, not a secret)


class Scope(models.TextChoices):
    DOSSIERS = "dossiers:read", "Lire les dossiers, leurs délais et leur export PLAT'AU"
    EVENTS = "events:read", "Lire le journal des événements"
    PIECES = "pieces:read", "Lire la liste des pièces"
    DOCUMENTS = "documents:read", "Lire les documents émis (décisions, récépissés)"
    PARCELS = "parcels:check", "Vérifier des parcelles"


def hash_token(token: str) -> str:
    """What is stored and looked up for a token: its SHA-256, enough for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


class ServiceAccount(models.Model):
    """A system calling the API: its token's hash, its communes and its scopes."""

    name = models.CharField("système", max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField("début du jeton", max_length=16, editable=False)
    communes = models.ManyToManyField("accounts.Commune", related_name="service_accounts")
    scopes = ArrayField(models.CharField(max_length=30, choices=Scope.choices), default=list)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "compte de service"
        verbose_name_plural = "comptes de service"

    def __str__(self):
        return self.name

    def issue_token(self) -> str:
        """A new token replacing the previous one; returns it in clear (shown once)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_hint = token[: len(TOKEN_PREFIX) + 4]
        return token

    @classmethod
    def create(cls, name: str, communes, scopes) -> tuple["ServiceAccount", str]:
        """A saved account with its communes and a fresh token, returned in clear this once only."""
        account = cls(name=name, scopes=list(scopes))
        token = account.issue_token()
        account.save()
        account.communes.set(communes)
        return account, token
