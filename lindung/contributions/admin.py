"""Holidays are filled here (django-admin) by administrators; rules are read-only here
because their versions go through the rules screen, which closes the previous one."""

from django.contrib import admin
from django.http import HttpRequest

from .models import ContributionRule, Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


@admin.register(ContributionRule)
class ContributionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "category", "program", "risk_tier", "valid_from", "valid_to", "legal_basis")
    list_filter = ("kind", "category", "program")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
