"""Django admin for participants: a back-office escape hatch and the benchmark baseline
(bench/pages.py times its changelist beside our own list). Kept a typical admin on
purpose; the registry's real screens are the participants views."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("full_name", "nik", "district", "coordinator", "status", "registration_date")
    list_filter = ("status", "category")
    search_fields = ("full_name", "nik")
    list_select_related = ("district", "coordinator")
    raw_id_fields = ("village", "community_group", "coordinator", "registered_by", "created_by")
    readonly_fields = ("district", "name_key", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Participant | None = None) -> tuple[str, ...]:
        # Reassigning and moving villages go through the services (history, the district
        # copy, and the copies other apps keep on their rows, such as a claim's
        # coordinator, which decides who may see it); the escape hatch cannot bypass them.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "coordinator", "village") if obj is not None else fields

    # Our list shows 25 rows a page; the same here keeps the comparison about queries.
    list_per_page = 25
