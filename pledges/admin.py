from django.contrib import admin
from django.db import models

from pledges.models import Pledge, PledgeEvent


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "sector", "size", "status", "submitted_at", "verified_at"]
    list_filter = ["status", "district", "sector", "organisation_type", "size"]
    search_fields = ["name", "contact_name", "email"]
    date_hierarchy = "submitted_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [PledgeEventInline]
    readonly_fields = [
        "slug",
        "status",
        "submitted_at",
        "verified_at",
        "approved_at",
        "rejected_at",
        "withdrawn_at",
        "authorised",
        "agreed_to_listing",
        "privacy_notice_version",
        "consented_at",
    ]
