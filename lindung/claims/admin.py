"""Benefit rules are data: an administrator adds a new version here (django-admin) when a
regulation changes, after ending the previous one (``BenefitRule.clean`` refuses overlaps).
Claims are read here only; they move through the workflow services."""

from django.contrib import admin
from django.http import HttpRequest

from .archive.models import ArchivePolicy
from .claim import Claim
from .documents import admin as documents_admin  # noqa: F401 (registers the checklist and service levels)
from .medical.models import MedicinePrice
from .rules import BenefitRule


@admin.register(BenefitRule)
class BenefitRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "variant", "valid_from", "valid_to", "amount", "quantity", "months", "legal_basis")
    list_filter = ("key",)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("pk", "program", "participant", "status", "status_changed_at", "transaction_code")
    list_filter = ("program", "status")
    raw_id_fields = ("participant",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# The archive policy and the medicine price list are data an administrator keeps here
# (DOMAIN.md gives neither figures); each row carries its legal basis or source.
@admin.register(ArchivePolicy)
class ArchivePolicyAdmin(admin.ModelAdmin):
    list_display = ("program", "valid_from", "valid_to", "file_prefix", "retention_years", "legal_basis")
    list_filter = ("program",)


@admin.register(MedicinePrice)
class MedicinePriceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "price", "valid_from", "valid_to", "source")
    search_fields = ("code", "name")
    readonly_fields = ("imported_at", "imported_by")
