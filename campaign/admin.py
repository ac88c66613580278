from django.contrib import admin

from campaign.models import SpendFigure, Testimonial
from pledges import freshness


class PublicContentAdmin(admin.ModelAdmin):
    """Figures and quotes are on cached public pages: renew them after any change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        freshness.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        freshness.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        freshness.changed()


@admin.register(SpendFigure)
class SpendFigureAdmin(PublicContentAdmin):
    list_display = ["label", "amount", "headline", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["label", "headline"]


@admin.register(Testimonial)
class TestimonialAdmin(PublicContentAdmin):
    list_display = ["__str__", "attribution", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["quote", "attribution"]
