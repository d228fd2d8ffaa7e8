"""Checklists and service levels are data: an administrator adds a new version here when
a regulation or a branch target changes, after ending the old one (valid to)."""

from django.contrib import admin

from ..dashboard.models import ServiceLevel
from .models import DocumentRequirement


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ("program", "jht_reason", "kind", "condition", "valid_from", "valid_to", "legal_basis")
    list_filter = ("program", "condition")


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("days", "valid_from", "valid_to", "basis")
