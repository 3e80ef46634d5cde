"""Admin for each commune's privacy notice details (controller, DPO)."""

from django.contrib import admin

from privacy.models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["commune", "controller"]
