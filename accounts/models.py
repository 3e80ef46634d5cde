"""People, communes and instruction services, and who may act where.

A `Commune` is the municipality that receives applications (R423-1); an `InstructionService`
instructs for one or more communes (R423-15, L422-8). Roles are held per commune or per
service through `Membership`, never globally, so every permission check names a place.
"""

import datetime
import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

# INSEE commune code: 5 characters, Corsica uses 2A/2B (reference §2, §5.1).
INSEE_CODE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
insee_code_validator = RegexValidator(
    INSEE_CODE_RE, "Code INSEE invalide (5 caractères, ex. 91216 ou 2A004)."
)

# L423-3: communes over 3,500 inhabitants must receive and instruct electronically.
ELECTRONIC_INSTRUCTION_THRESHOLD = 3500


class User(AbstractUser):
    """Any person using the service. Applicants sign in with FranceConnect or e-mail; agents
    with ProConnect or a local account. What they may do comes from their memberships."""

    email = models.EmailField("adresse électronique", blank=True)
    # Set when the person followed the link we sent to `email` (accounts.email_verification);
    # an address received from FranceConnect is not verified by us (reference §6.1).
    email_verified_at = models.DateTimeField("adresse vérifiée le", null=True, blank=True)

    class Meta:
        verbose_name = "utilisateur"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Commune(models.Model):
    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[insee_code_validator]
    )
    name = models.CharField("nom", max_length=100)
    population = models.PositiveIntegerField("population municipale")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    def clean(self):
        if self.insee_code and not INSEE_CODE_RE.match(self.insee_code):
            raise ValidationError({"insee_code": insee_code_validator.message})

    @property
    def department_code(self) -> str:
        """`91`, `2A`, or the three-character overseas codes (`971`)."""
        return self.insee_code[:3] if self.insee_code.startswith("97") else self.insee_code[:2]

    @property
    def electronic_instruction_required(self) -> bool:
        """L423-3: over 3,500 inhabitants, applications are received and instructed online."""
        return self.population > ELECTRONIC_INSTRUCTION_THRESHOLD


class InstructionService(models.Model):
    """The service that instructs for one or more communes: the commune's own department, an
    EPCI or syndicate, or the State's DDT (R423-15)."""

    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique", blank=True)
    communes = models.ManyToManyField(
        Commune, related_name="instruction_services", verbose_name="communes instruites"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "service instructeur"

    def __str__(self):
        return self.name


class ConsultedService(models.Model):
    """A body consulted during instruction (R423-50 ff.): the UDAP (whose architecte des
    Bâtiments de France gives the ABF's opinions), the SDIS, a network operator… Its members
    answer the consultations addressed to it, whatever the commune."""

    name = models.CharField("nom", max_length=200, unique=True)
    # A workflow.clock.rules.ServiceKind value: the kind sets the answer délai (§3.6).
    kind = models.CharField("type de service", max_length=30, default="other")
    email = models.EmailField("adresse électronique", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "service consulté"
        verbose_name_plural = "services consultés"

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """What a person may do in one place. Applicants hold no role: they see their own dossiers.

    Service roles are held on an instruction service and reach every commune it serves;
    the others are held on a commune (SERVICE_ROLES below)."""

    GUICHET = "guichet", "Guichet (accueil de la mairie)"  # on a commune
    OFFICER = "officer", "Instructeur"  # on an instruction service
    SERVICE_HEAD = "service_head", "Chef de service"  # on an instruction service
    SIGNATORY = "signatory", "Signataire (maire ou adjoint délégué)"  # on a commune
    CONSULTEE = "consultee", "Service consulté"  # on a consulted service (or a commune)
    COMMUNE_ADMIN = "commune_admin", "Administrateur de la commune"  # on a commune
    ADMINISTRATOR = "administrator", "Administrateur du service instructeur"  # on a service


SERVICE_ROLES = frozenset({Role.OFFICER, Role.SERVICE_HEAD, Role.ADMINISTRATOR})


class MembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Memberships in force on a day (today in Europe/Paris): a delegation counts only
        between its dates of validity."""
        day = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )

    def role_pairs(self, user, on: datetime.date | None = None):
        """(role, commune id) for each membership of `user` in force: a role held on a commune
        for that commune, a service role for every commune the service instructs for
        (R423-15), and (consultee, None) for a consulted service, which answers for any
        commune. The rule of who holds what where: workflow.actors reads it, and
        accounts.permissions.role_pairs runs it as plain SQL, tested equal (speed,
        docs/benchmarks.md); `.filter(place=…)` narrows it to one commune."""
        return (
            self.active(on)
            .filter(user=user)
            .filter(models.Q(service__isnull=True) | models.Q(role__in=SERVICE_ROLES))
            .annotate(place=Coalesce("commune", "service__communes"))
            .filter(models.Q(place__isnull=False) | models.Q(consulted_service__isnull=False))
            .order_by()
            .values_list("role", "place")
            .distinct()
        )


class Membership(models.Model):
    """One role of one person in one place: a commune, an instruction service, or (for a
    consultee) a consulted service."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    service = models.ForeignKey(
        InstructionService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    consulted_service = models.ForeignKey(
        ConsultedService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="service consulté",
    )
    title = models.CharField(
        "qualité",
        max_length=200,
        blank=True,
        help_text="Ex. « Maire », « Adjoint délégué à l'urbanisme ».",
    )
    # A signatory who is not the mayor signs by delegation (CGCT L2122-18, L2122-19; reference
    # §7.1): the delegation arrêté and its dates of validity. The mayor has none.
    delegation_reference = models.CharField(
        "arrêté de délégation",
        max_length=100,
        blank=True,
        help_text="Référence de l'arrêté de délégation de signature, ex. « 2026-AR-014 ».",
    )
    valid_from = models.DateField("valable à partir du", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_one_place",
                condition=(
                    models.Q(
                        commune__isnull=False, service__isnull=True, consulted_service__isnull=True
                    )
                    | models.Q(
                        commune__isnull=True, service__isnull=False, consulted_service__isnull=True
                    )
                    | models.Q(
                        commune__isnull=True, service__isnull=True, consulted_service__isnull=False
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_consultee_on_consulted_service",
                condition=models.Q(consulted_service__isnull=True) | models.Q(role="consultee"),
            ),
            models.CheckConstraint(
                name="membership_service_role_on_service",
                condition=~models.Q(role__in=["officer", "service_head", "administrator"])
                | models.Q(service__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_delegation_dates",
                condition=models.Q(delegation_reference="") | models.Q(valid_from__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_validity_ordered",
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune", "service", "consulted_service"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        place = self.commune or self.service or self.consulted_service
        return f"{self.user} – {self.get_role_display()} – {place}"

    @property
    def by_delegation(self) -> bool:
        return bool(self.delegation_reference)


class FederatedIdentity(models.Model):
    """A person as known to an OpenID provider: keyed on the provider's `sub`, never merged with
    another account on e-mail (reference §6.1). The claims are kept as received, with their time
    (reference §6.2), and replaced at each sign-in."""

    class Provider(models.TextChoices):
        FRANCECONNECT = "franceconnect", "FranceConnect"
        PROCONNECT = "proconnect", "ProConnect"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="federated_identities")
    provider = models.CharField("fournisseur", max_length=20, choices=Provider.choices)
    sub = models.CharField("identifiant technique (sub)", max_length=255)
    claims = models.JSONField("données d'identité reçues")
    claims_received_at = models.DateTimeField("reçues le")
    acr = models.CharField("niveau de garantie (acr)", max_length=50, blank=True)

    class Meta:
        verbose_name = "identité fédérée"
        verbose_name_plural = "identités fédérées"
        constraints = [
            models.UniqueConstraint(fields=["provider", "sub"], name="federated_identity_unique"),
            models.UniqueConstraint(
                fields=["user", "provider"], name="federated_identity_one_per_provider"
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.sub[:12]}…"


class TOTPDevice(models.Model):
    """The second factor of a signatory (RFC 6238, 30-second steps, 6 digits)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)  # base32
    confirmed_at = models.DateTimeField("activé le", null=True, blank=True)
    # The last accepted time step: a code is accepted once (replay protection).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "application d'authentification"

    def __str__(self):
        return f"TOTP {self.user}"


class LoginFailure(models.Model):
    """One failed password or code attempt, for lockout and rate limiting (accounts.throttle)."""

    key = models.CharField(max_length=200, db_index=True)  # "password:<login>", "totp:<user id>"
    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self):
        return f"{self.key} {self.created_at:%Y-%m-%d %H:%M}"
