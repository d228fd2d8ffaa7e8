from django.contrib import admin

from .models import FeedbackCategory


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "answer_within_hours", "active"]
