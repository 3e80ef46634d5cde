from django.contrib import admin

from permits.models import Applicant, Dossier, DossierParcel


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
