"""The dossier: what is filed (procedure, commune, applicants, site, project) and its number.

Its legal state, dates and transitions live in workflow.models.Instruction, which it inherits;
filing itself is the operation in permits.filing.
"""

from django.conf import settings
from django.db import models

from permits.models.channels import Channel
from permits.numbering import DossierNumber, parse
from workflow import procedures
from workflow.models import Instruction


class WorksNature(models.TextChoices):
    NEW_BUILDING = "new_building", "Construction nouvelle"
    EXTENSION = "extension", "Extension ou surélévation d'une construction existante"
    EXTERIOR = "exterior", "Modification de l'aspect extérieur (façade, toiture, ouvertures)"
    CHANGE_OF_USE = "change_of_use", "Changement de destination"
    DEMOLITION = "demolition", "Démolition"
    DIVISION = "division", "Division de terrain ou lotissement"
    FENCE = "fence", "Clôture, mur, portail"
    OTHER = "other", "Autres travaux ou aménagements"


class Dossier(Instruction):
    cerfa = models.CharField(
        "cerfa",
        max_length=12,
        blank=True,
        help_text="Numéro et version du formulaire, ex. 13406*16.",
    )
    commune = models.ForeignKey(
        "accounts.Commune", on_delete=models.PROTECT, related_name="dossiers"
    )
    depositor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deposited_dossiers",
        null=True,
        blank=True,
        verbose_name="déposant",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="autorisation d'origine",
    )
    # The officer in charge (the worklist's assignment).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name="instructeur en charge",
    )
    # Set at filing (permits.filing), never changed afterwards.
    number = models.CharField("numéro", max_length=20, unique=True, null=True, blank=True)
    # Site (terrain).
    site_address = models.CharField("adresse du terrain", max_length=300, blank=True)
    site_postcode = models.CharField("code postal", max_length=10, blank=True)
    site_locality = models.CharField("localité", max_length=150, blank=True)
    site_area_m2 = models.PositiveIntegerField("superficie du terrain (m²)", null=True, blank=True)
    # The site's legal situation (cerfa, reference §1.2).
    in_lotissement = models.BooleanField("terrain situé dans un lotissement", default=False)
    in_zac = models.BooleanField("terrain situé dans une ZAC", default=False)
    in_afu = models.BooleanField("terrain situé dans une AFU", default=False)
    under_pup = models.BooleanField("terrain concerné par un PUP", default=False)
    existing_cu_number = models.CharField(
        "numéro du certificat d'urbanisme en cours", blank=True, max_length=25
    )
    # Project.
    works_nature = models.CharField(
        "nature des travaux", max_length=30, choices=WorksNature.choices, blank=True
    )
    description = models.TextField("description du projet", blank=True)
    # The last parcel check (cadastre.check.ParcelCheck.as_dict()): constraints and what they
    # mean for the procedure, shown to the applicant and proposed to the officer.
    parcel_check = models.JSONField("vérification des parcelles", default=dict, blank=True)
    # Yes/no answers deciding which pieces are required (permits.pieces.catalogue).
    piece_answers = models.JSONField("réponses sur les pièces", default=dict, blank=True)
    floor_area_existing_m2 = models.PositiveIntegerField(
        "surface de plancher existante (m²)", null=True, blank=True
    )
    floor_area_created_m2 = models.PositiveIntegerField(
        "surface de plancher créée (m²)", null=True, blank=True
    )
    floor_area_removed_m2 = models.PositiveIntegerField(
        "surface de plancher supprimée (m²)", null=True, blank=True
    )
    footprint_created_m2 = models.PositiveIntegerField(
        "emprise au sol créée (m²)", null=True, blank=True
    )
    dwellings_created = models.PositiveIntegerField("logements créés", null=True, blank=True)
    dwellings_individual = models.PositiveIntegerField("dont individuels", null=True, blank=True)
    dwellings_collective = models.PositiveIntegerField("dont collectifs", null=True, blank=True)
    dwellings_social = models.PositiveIntegerField(
        "dont logements locatifs sociaux", null=True, blank=True
    )
    parking_spaces_created = models.PositiveIntegerField(
        "places de stationnement créées", null=True, blank=True
    )
    height_cm = models.PositiveIntegerField(
        "hauteur de la construction (cm)", null=True, blank=True
    )
    # R431-2: an architect is compulsory unless a natural person builds for themself at most
    # 150 m² of floor area (the exemption is declared on the cerfa).
    architect_name = models.CharField("architecte", max_length=200, blank=True)
    architect_registration = models.CharField(
        "numéro d'inscription à l'ordre", max_length=30, blank=True
    )
    architect_exempt = models.BooleanField(
        "dispensé du recours à un architecte (R431-2)", default=False
    )
    # Reference §1.2: the applicant's consent decides how we notify (R424-10, §3.9).
    electronic_notification_consent = models.BooleanField(
        "accepte la notification électronique", default=False
    )
    # How it came in (issue 23): the counter sets paper, post or e-mail.
    channel = models.CharField(
        "canal de dépôt", max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Instruction.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="dossier_filed_has_number",
                condition=models.Q(state="draft")
                | models.Q(number__isnull=False, filed_at__isnull=False),
            ),
        ]
        indexes = [*Instruction.Meta.indexes, models.Index(fields=["commune", "state"])]

    def __str__(self):
        return self.display_number or f"Brouillon {self.pk}"

    @property
    def procedure_info(self) -> procedures.Procedure:
        """The procedure's catalogue entry (label, cerfa, délai), in one place for pages and
        letters."""
        return procedures.get(self.procedure)

    @property
    def parsed_number(self) -> DossierNumber | None:
        """The A423-3 number's parts, None for a draft."""
        return parse(self.number) if self.number else None

    @property
    def display_number(self) -> str:
        """The number as printed on letters (PC 091 216 26 00001), empty for a draft."""
        return self.parsed_number.display if self.number else ""


class DossierParcel(models.Model):
    """A cadastral reference designated by the applicant (reference §1.2, §5.1), kept as
    entered; the cadastre app checks it against the parcels' geometry."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="parcels")
    idu = models.CharField("identifiant cadastral", max_length=14)
    area_m2 = models.PositiveIntegerField("superficie (m²)", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "idu"], name="dossier_parcel_unique"),
        ]

    def __str__(self):
        return self.idu
