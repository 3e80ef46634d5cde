"""The applicant(s) of a dossier (reference §1.2): natural or legal persons, distinct from the
depositor, the account that filed."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models

siret_validator = RegexValidator(r"^\d{14}$", "Le SIRET compte 14 chiffres.")
birth_date_validator = RegexValidator(
    r"^\d{4}-(0[0-9]|1[0-2])-([0-2][0-9]|3[01])$",
    "Indiquez la date de naissance au format AAAA-MM-JJ.",
)


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Particulier"
    COMPANY = "company", "Personne morale"


class Civility(models.TextChoices):
    MADAME = "madame", "Madame"
    MONSIEUR = "monsieur", "Monsieur"


class Applicant(models.Model):
    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.CASCADE, related_name="applicants"
    )
    rank = models.PositiveSmallIntegerField("ordre", default=1)  # 1: the main applicant
    kind = models.CharField(
        "type", max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    # Natural person (or a company's representative).
    civility = models.CharField("civilité", max_length=10, choices=Civility.choices, blank=True)
    birth_name = models.CharField("nom de naissance", max_length=150, blank=True)
    usage_name = models.CharField("nom d'usage", max_length=150, blank=True)
    given_names = models.CharField("prénoms", max_length=200, blank=True)
    # As the identity provider gives it, YYYY-MM-DD with 00 for an unknown month or day
    # (presumed dates are kept as such, reference §6.1), or as typed by the applicant.
    birth_date = models.CharField(
        "date de naissance", max_length=10, blank=True, validators=[birth_date_validator]
    )
    birth_place = models.CharField("commune de naissance", max_length=150, blank=True)
    birth_department = models.CharField("département de naissance", max_length=100, blank=True)
    birth_country = models.CharField("pays de naissance", max_length=100, blank=True)
    # Legal person.
    company_name = models.CharField("dénomination", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[siret_validator])
    legal_form = models.CharField("forme juridique", max_length=100, blank=True)
    # Contact.
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=10, blank=True)
    locality = models.CharField("localité", max_length=150, blank=True)
    country = models.CharField("pays", max_length=100, blank=True, default="France")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    # Fields pre-filled from FranceConnect: shown as certified and not editable (§6.2).
    certified_fields = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    certified_at = models.DateTimeField("certifié le", null=True, blank=True)
    # Fields filled from a public register (e.g. {"company_name": "sirene"}), shown as sourced;
    # the law lets a company's address differ from the register's, so the reason is kept.
    sourced_fields = models.JSONField("champs issus d'un registre", default=dict, blank=True)
    sourced_at = models.DateTimeField("consulté le", null=True, blank=True)
    divergence_reasons = models.JSONField("motifs d'écart avec la source", default=dict, blank=True)

    class Meta:
        # The column, not the relation: "dossier" joins the dossier for its own ordering.
        ordering = ["dossier_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "rank"], name="applicant_rank_unique"),
            models.CheckConstraint(
                name="applicant_company_has_name",
                condition=~models.Q(kind="company") | ~models.Q(company_name=""),
            ),
        ]

    def __str__(self):
        if self.kind == ApplicantKind.COMPANY:
            return self.company_name
        return " ".join(filter(None, [self.given_names, self.usage_name or self.birth_name]))
