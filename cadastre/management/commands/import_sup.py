"""`python manage.py import_sup PATH`: a servitude (SUP) delivery of the Géoportail de
l'urbanisme."""

from cadastre.importers.gpu import import_sup
from cadastre.management.gpu_command import GpuImportCommand


class Command(GpuImportCommand):
    importer = staticmethod(import_sup)
    kind = "sup"
    help = (
        "Importe une servitude d'utilité publique au standard CNIG (dossier de la livraison "
        "GPU : servitudes, générateurs, assiettes, actes). Une nouvelle livraison la remplace."
    )
