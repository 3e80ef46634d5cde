from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # deferred: the schema extension needs DRF's settings, ready only here
        from api import schema  # noqa: F401 (registers the OpenAPI extension)
