"""The REST API for the systems of a commune or its instruction service (connectors, SIG, PLAT'AU
bridges)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"
