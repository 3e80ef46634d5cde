from django.apps import AppConfig


class CadastreConfig(AppConfig):
    name = "cadastre"
    verbose_name = "Cadastre, zonage et servitudes"
