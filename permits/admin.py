"""Django's admin for the dossiers and the PLAT'AU exchanges, for the operator (read-only where it
is a record)."""

from django.contrib import admin

from permits.models import Applicant, Dossier, DossierParcel, PlatauAccount, PlatauExchange


class ApplicantInline(admin.StackedInline):
    model = Applicant
    extra = 0


class DossierParcelInline(admin.TabularInline):
    model = DossierParcel
    extra = 0


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["number", "procedure", "commune", "state", "filed_at"]
    list_filter = ["procedure", "state", "commune"]
    search_fields = ["number"]
    readonly_fields = ["state", "number", "filed_at"]
    inlines = [ApplicantInline, DossierParcelInline]


# A commune exchanges through PLAT'AU once it has an account here (docs/platau.md).
@admin.register(PlatauAccount)
class PlatauAccountAdmin(admin.ModelAdmin):
    list_display = ["commune", "actor_id", "notification_cursor"]


@admin.register(PlatauExchange)
class PlatauExchangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "message", "outgoing", "status", "http_status", "dossier"]
    list_filter = ["status", "message", "outgoing"]

    def has_change_permission(self, request, obj=None):
        return False  # the record of what was exchanged is not edited

    def has_add_permission(self, request):
        return False
