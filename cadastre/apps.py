"""The cadastre room: parcels, plans and servitudes read by the checks of every dossier."""

from django.apps import AppConfig


class CadastreConfig(AppConfig):
    name = "cadastre"
    verbose_name = "Cadastre, zonage et servitudes"
