"""Messaging data an administrator changes without a release: the reply keywords and
their answers (``ReplyKeyword.clean`` refuses unknown fields), and the control-group
share, effective-dated (a new row from a date; past campaigns keep their arms)."""

from django.contrib import admin

from .effect.models import ControlShare
from .inbox.models import ReplyKeyword


@admin.register(ReplyKeyword)
class ReplyKeywordAdmin(admin.ModelAdmin):
    list_display = ("word", "action", "active", "reply")
    list_filter = ("action", "active")
    search_fields = ("word", "reply")


@admin.register(ControlShare)
class ControlShareAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "percent", "basis")
