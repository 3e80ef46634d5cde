"""People, communes and instruction services, and who may act where.

A `Commune` is the municipality that receives applications (R423-1); an `InstructionService`
instructs for one or more communes (R423-15, L422-8). Roles are held per commune or per
service through `Membership`, never globally, so every permission check names a place.
"""

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

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

    class Meta:
        verbose_name = "utilisateur"


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


class Role(models.TextChoices):
    OFFICER = "officer", "Instructeur"  # held on an instruction service
    SIGNATORY = "signatory", "Signataire (maire ou adjoint délégué)"  # on a commune
    CONSULTEE = "consultee", "Service consulté"  # on a commune
    COMMUNE_ADMIN = "commune_admin", "Administrateur de la commune"  # on a commune


class Membership(models.Model):
    """One role of one person in one place: a commune, or an instruction service."""

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
    title = models.CharField(
        "qualité",
        max_length=200,
        blank=True,
        help_text="Ex. « Maire », « Adjoint délégué à l'urbanisme ».",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_one_place",
                condition=(
                    models.Q(commune__isnull=False, service__isnull=True)
                    | models.Q(commune__isnull=True, service__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="membership_officer_on_service",
                condition=~models.Q(role="officer") | models.Q(service__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune", "service"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.commune or self.service}"
