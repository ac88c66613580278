from django.contrib import admin
from django.db import models

from campaign.models import SpendFigure, Testimonial
from campaign.templatetags.site_tags import pounds


@admin.register(SpendFigure)
class SpendFigureAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["label", "money", "headline", "updated_on", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["label", "headline"]
    readonly_fields = ["shown_as"]

    @admin.display(description="amount", ordering="amount")
    def money(self, figure):
        return pounds(figure.amount)

    @admin.display(description="shown as")
    def shown_as(self, figure):
        return pounds(figure.amount) if figure.amount is not None else "-"

    def get_fields(self, request, obj=None):
        # Beside the number being typed, the amount as the public pages write it.
        fields = [name for name in super().get_fields(request, obj) if name != "shown_as"]
        fields.insert(fields.index("amount") + 1, "shown_as")
        return fields


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "attribution", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["quote", "attribution"]
