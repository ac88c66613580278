from django.contrib import admin
from django.db import models

from campaign.models import SpendFigure, Testimonial


@admin.register(SpendFigure)
class SpendFigureAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["label", "amount", "headline", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["label", "headline"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["__str__", "attribution", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["quote", "attribution"]
