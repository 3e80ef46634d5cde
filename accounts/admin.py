"""Django's admin for people, communes, services and memberships (roles)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Commune, ConsultedService, InstructionService, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class PermisUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "population"]
    search_fields = ["name", "insee_code"]


@admin.register(InstructionService)
class InstructionServiceAdmin(admin.ModelAdmin):
    filter_horizontal = ["communes"]


@admin.register(ConsultedService)
class ConsultedServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email"]
    search_fields = ["name"]
