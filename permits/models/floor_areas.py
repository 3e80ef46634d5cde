"""The cerfa's floor-area table (surface de plancher, R111-22) by destination and
sub-destination (R151-27, R151-28 and the arrêté of 10 November 2016 as amended)."""

from django.core.validators import MinValueValidator
from django.db import models

# (destination, sub-destinations) as the cerfa lists them.
DESTINATIONS = (
    ("Exploitation agricole et forestière", ("Exploitation agricole", "Exploitation forestière")),
    ("Habitation", ("Logement", "Hébergement")),
    ("Commerce et activités de service", (
        "Artisanat et commerce de détail", "Restauration", "Commerce de gros",
        "Activités de services où s'effectue l'accueil d'une clientèle", "Cinéma", "Hôtels",
        "Autres hébergements touristiques")),
    ("Équipements d'intérêt collectif et services publics", (
        "Locaux et bureaux accueillant du public des administrations publiques et assimilés",
        "Locaux techniques et industriels des administrations publiques et assimilés",
        "Établissements d'enseignement, de santé et d'action sociale",
        "Salles d'art et de spectacles", "Équipements sportifs", "Lieux de culte",
        "Autres équipements recevant du public")),
    ("Autres activités des secteurs primaire, secondaire ou tertiaire", (
        "Industrie", "Entrepôt", "Bureau", "Centre de congrès et d'exposition",
        "Cuisine dédiée à la vente en ligne")),
)  # fmt: skip
SUB_DESTINATIONS = [(sub, f"{dest} — {sub}") for dest, subs in DESTINATIONS for sub in subs]

AREA = [MinValueValidator(0)]


class FloorArea(models.Model):
    dossier = models.ForeignKey(
        "permits.Dossier", on_delete=models.CASCADE, related_name="floor_areas"
    )
    sub_destination = models.CharField("sous-destination", max_length=120, choices=SUB_DESTINATIONS)
    existing_m2 = models.PositiveIntegerField("existante avant travaux (m²)", default=0)
    created_m2 = models.PositiveIntegerField("créée (m²)", default=0)
    created_by_change_m2 = models.PositiveIntegerField(
        "créée par changement de destination (m²)", default=0
    )
    removed_m2 = models.PositiveIntegerField("supprimée (m²)", default=0)
    removed_by_change_m2 = models.PositiveIntegerField(
        "supprimée par changement de destination (m²)", default=0
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "sub_destination"], name="floor_area_one_row_per_sub_destination"
            )
        ]

    def __str__(self):
        return self.sub_destination

    @property
    def total_m2(self) -> int:
        """Floor area after works (the cerfa's last column)."""
        return (
            self.existing_m2
            + self.created_m2
            + self.created_by_change_m2
            - self.removed_m2
            - self.removed_by_change_m2
        )
