"""Parcels, PLU zones and servitudes, all stored in Lambert-93 (EPSG:2154) so that areas,
distances and the 500 m of the abords are in metres (reference §5.3).

Parcels are loaded in bulk by SQL (cadastre.importers.parcels); these models describe the
tables and serve reads. A parcel that vanishes from a newer millésime is retired, never deleted:
dossiers keep referring to it (§5.2).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models.functions import Now

from cadastre.idu import Idu

LAMBERT_93 = 2154
WGS84 = 4326


class Parcel(models.Model):
    # C collation: the unique index then also serves prefix searches (a commune, a section).
    idu = models.CharField("identifiant (IDU)", max_length=14, db_collation="C")
    # The cadastral INSEE code: an arrondissement for Paris, Lyon and Marseille (idu.py).
    commune = models.CharField("code INSEE", max_length=5)
    prefixe = models.CharField("préfixe", max_length=3, default="000")
    section = models.CharField("section", max_length=2)
    numero = models.CharField("numéro", max_length=4)
    contenance_m2 = models.PositiveIntegerField("contenance (m²)", null=True, blank=True)
    arpente = models.BooleanField("arpentée", null=True)
    geom = models.MultiPolygonField("géométrie", srid=LAMBERT_93)
    source = models.CharField("source", max_length=10)  # etalab | edigeo
    sheet = models.CharField("feuille EDIGEO", max_length=12, blank=True, default="")
    millesime = models.DateField("millésime", null=True, blank=True)
    source_created = models.DateField("créée au cadastre le", null=True, blank=True)
    source_updated = models.DateField("mise à jour au cadastre le", null=True, blank=True)
    # Written by the bulk loader in SQL, hence database defaults.
    created_at = models.DateTimeField("importée le", db_default=Now())
    updated_at = models.DateTimeField("modifiée le", db_default=Now())
    retired_at = models.DateTimeField("retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "parcelle"
        # One B-tree and the GiST index only: each index costs the bulk import (benchmarks.md).
        constraints = [models.UniqueConstraint(fields=["idu"], name="cadastre_parcel_idu_unique")]

    def __str__(self) -> str:
        return self.idu

    @property
    def parsed_idu(self) -> Idu:
        return Idu.parse(self.idu)


# TYPESECT of a carte communale's sectors (CNIG CC standard) and what each means for building:
# the carte communale delimits where constructions are allowed and where they are not, save
# the exceptions of article L161-4 of the code de l'urbanisme (R161-4); it may reserve a sector
# for activities incompatible with housing (R161-5).
SECTOR_TYPES = {
    "01": "Secteur ouvert à la construction",
    "02": "Secteur réservé aux activités",
    "03": "Secteur non ouvert à la construction, sauf exceptions (article L161-4)",
    "99": "Secteur d'un autre type",
}


class Zone(models.Model):
    """A `zone_urba` of a PLU, PLUi, POS or PSMV, or a `secteur_cc` of a carte communale
    (typedoc CC, typezone = TYPESECT), delivered to the GPU (CNIG standard, §5.4)."""

    idurba = models.CharField("identifiant du document (idurba)", max_length=40)
    # idurba without its date (`30014_PLU`): a newer approval of the same document supersedes.
    document_code = models.CharField("document", max_length=40)
    typedoc = models.CharField("type de document", max_length=10, blank=True)
    approved_on = models.DateField("approuvé le", null=True, blank=True)
    validated_on = models.DateField("date de validation", null=True, blank=True)
    libelle = models.CharField("libellé", max_length=20)
    libelong = models.CharField("libellé long", max_length=254, blank=True)
    typezone = models.CharField("type de zone", max_length=5)
    destdomi = models.CharField("destination dominante", max_length=2, blank=True)
    regulation_file = models.CharField("règlement", max_length=254, blank=True)
    regulation_page = models.PositiveIntegerField("page du règlement", null=True, blank=True)
    regulation_url = models.URLField("adresse du règlement", max_length=254, blank=True)
    insee = models.CharField("code INSEE", max_length=5, blank=True)
    is_current = models.BooleanField("en vigueur", default=True)
    illustrative = models.BooleanField(
        "illustratif",
        default=False,
        help_text="Zonage dessiné pour la démonstration : ne correspond à aucun document réel.",
    )
    geom = models.MultiPolygonField("géométrie", srid=LAMBERT_93)
    imported_at = models.DateTimeField("importée le", auto_now_add=True)

    class Meta:
        verbose_name = "zone du PLU"
        verbose_name_plural = "zones du PLU"
        indexes = [models.Index(fields=["idurba"], name="cadastre_zone_idurba_idx")]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.idurba})"


class Servitude(models.Model):
    """One servitude d'utilité publique (SUP) as delivered to the GPU (§5.5): its category
    (AC1 monuments historiques, AC2 sites, AC4 SPR…) and the acts that created it."""

    id_sup = models.CharField("identifiant (IdSup)", max_length=60, unique=True)
    category = models.CharField("catégorie", max_length=10)
    name = models.CharField("nom", max_length=254)
    description = models.TextField("description", blank=True)
    manager = models.CharField("gestionnaire", max_length=254, blank=True)
    # [{"id", "name", "type", "decision", "date", "file"}] from ACTE_SUP.
    acts = models.JSONField("actes", default=list, blank=True)
    illustrative = models.BooleanField("illustratif", default=False)
    imported_at = models.DateTimeField("importée le", auto_now_add=True)

    class Meta:
        verbose_name = "servitude d'utilité publique"
        verbose_name_plural = "servitudes d'utilité publique"

    def __str__(self) -> str:
        return f"{self.category} {self.name}"


class ServitudeGenerator(models.Model):
    """The protected object (a monument, a site) from which the servitude arises."""

    # Not unique: real deliveries give one IdGen to several objects (two cemeteries and a stele).
    id_gen = models.CharField("identifiant (IdGen)", max_length=60, db_index=True)
    servitude = models.ForeignKey(Servitude, on_delete=models.CASCADE, related_name="generators")
    name = models.CharField("nom", max_length=254, blank=True)
    kind = models.CharField("type de générateur", max_length=60, blank=True)  # Monument, Site…
    protection = models.CharField("protection", max_length=60, blank=True)  # Classé, Inscrit
    address = models.CharField("adresse", max_length=254, blank=True)
    geom = models.GeometryField("géométrie", srid=LAMBERT_93)

    class Meta:
        verbose_name = "générateur de servitude"

    def __str__(self) -> str:
        return self.name or self.id_gen


class ServitudeAssiette(models.Model):
    """The area the servitude applies to (its assiette): for AC1, the monument itself or its
    abords (a 500 m buffer or a delimited perimeter)."""

    id_ass = models.CharField("identifiant (idAss)", max_length=60, db_index=True)
    servitude = models.ForeignKey(Servitude, on_delete=models.CASCADE, related_name="assiettes")
    generator = models.ForeignKey(
        ServitudeGenerator,
        on_delete=models.CASCADE,
        related_name="assiettes",
        null=True,
        blank=True,
    )
    category = models.CharField("catégorie", max_length=10)
    name = models.CharField("nom", max_length=254, blank=True)
    kind = models.CharField("type d'assiette", max_length=60, blank=True)
    mode = models.CharField("mode de calcul", max_length=60, blank=True)
    buffer_m = models.FloatField("distance de la zone tampon (m)", null=True, blank=True)
    geom = models.GeometryField("géométrie", srid=LAMBERT_93)

    class Meta:
        verbose_name = "assiette de servitude"

    def __str__(self) -> str:
        return self.id_ass


class ImportRun(models.Model):
    """One import of reference data by a commune's administrator (or the periodic refresh):
    the file and its SHA-256, its simulation (dry run) shown before it is applied, then the
    applied report or the refusal. The history of a commune's reference data."""

    class Kind(models.TextChoices):
        PARCELS = "parcels", "Cadastre (Etalab ou EDIGEO)"
        URBA = "urba", "Document d'urbanisme (GPU)"
        SUP = "sup", "Servitude d'utilité publique (GPU)"

    class Status(models.TextChoices):
        SIMULATING = "simulating", "simulation en cours"
        SIMULATED = "simulated", "simulé, à confirmer"
        APPLYING = "applying", "import en cours"
        APPLIED = "applied", "importé"
        REFUSED = "refused", "refusé, rien n'a été modifié"

    commune = models.ForeignKey(
        "accounts.Commune", on_delete=models.PROTECT, related_name="cadastre_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="par",
        related_name="+",
    )  # None: the periodic refresh (cadastre.refresh)
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    kind = models.CharField("données", max_length=10, choices=Kind.choices)
    status = models.CharField(
        "état", max_length=12, choices=Status.choices, default=Status.SIMULATING
    )
    file = models.FileField("fichier", upload_to="cadastre-imports/%Y/%m/")
    file_name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    size_bytes = models.BigIntegerField("taille (octets)")
    millesime = models.DateField("millésime", null=True, blank=True)
    allow_retire = models.BooleanField("retraits de plus de 5 % autorisés", default=False)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    simulation = models.JSONField("simulation", default=dict, blank=True)
    report = models.JSONField("rapport", default=dict, blank=True)
    message = models.TextField("motif du refus", blank=True)

    class Meta:
        verbose_name = "import de données de référence"
        verbose_name_plural = "imports de données de référence"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.SIMULATING, self.Status.APPLYING)


class ImportExecution(models.Model):
    """One execution of an importer (the import commands, dry runs included, and the reference
    data page's applied runs), kept for monitoring: /metrics counts them by kind and outcome
    (config/metrics.py). ImportRun is the page's history; this is the operator's counter."""

    kind = models.CharField(max_length=20)  # the command's name without "import_"
    outcome = models.CharField(max_length=10)  # running, succeeded, failed
    started_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)
