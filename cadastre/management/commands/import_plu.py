"""`python manage.py import_plu PATH`: a PLU/PLUi delivery of the Géoportail de l'urbanisme."""

from cadastre.importers.gpu import import_plu
from cadastre.management.gpu_command import GpuImportCommand


class Command(GpuImportCommand):
    importer = staticmethod(import_plu)
    kind = "plu"
    help = (
        "Importe le zonage (ZONE_URBA) d'un PLU ou PLUi au standard CNIG : dossier de la "
        "livraison GPU ou fichier ZONE_URBA. Une nouvelle livraison du même document le remplace."
    )
