"""`python manage.py import_plu PATH`: a document d'urbanisme (PLU, PLUi, POS, PSMV, carte
communale) delivered to the Géoportail de l'urbanisme."""

from cadastre.importers.urba import import_plu
from cadastre.management.gpu_command import GpuImportCommand


class Command(GpuImportCommand):
    importer = staticmethod(import_plu)
    kind = "plu"
    help = (
        "Importe le zonage d'un document d'urbanisme au standard CNIG (2013 à 2019) : ZONE_URBA "
        "d'un PLU, PLUi, POS ou PSMV, SECTEUR_CC d'une carte communale ; dossier de la livraison "
        "GPU, fichier (shapefile, MapInfo, CSV-WKT, GeoPackage) ou zip. Une nouvelle livraison "
        "du même document le remplace."
    )
