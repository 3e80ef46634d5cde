"""Personal data: notices, the access log, retention, the person's own data (GDPR)."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Données personnelles"
