from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from impact.measures import FIELDS, MEASURE
from impact.models import ImpactReturn
from impact.years import label


class HideForm(forms.ModelForm):
    hidden = forms.MultipleChoiceField(
        label="Hidden figures",
        required=False,
        choices=[(field, MEASURE[field].short) for field in FIELDS],
        widget=forms.CheckboxSelectMultiple,
        help_text="A hidden figure counts nowhere: not in the totals, the signatory's page or "
        "the open data. The organisation is emailed the figure's name and your note.",
    )

    class Meta:
        model = ImpactReturn
        fields = ["hidden", "hidden_note"]


class YearFilter(admin.SimpleListFilter):
    title = "reporting year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        found = ImpactReturn.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(year, label(year)) for year in found]

    def queryset(self, request, queryset):
        return queryset.filter(year=self.value()) if self.value() else queryset


@admin.register(ImpactReturn)
class ImpactReturnAdmin(admin.ModelAdmin):
    """Returns as the organisations sent them. Moderators change nothing an organisation
    wrote: they may only hide a figure that looks wrong, with a note it is sent."""

    form = HideForm
    list_display = ["pledge", "year_label", "submitted_at", "updated_at", "hidden_count"]
    list_filter = [YearFilter]
    list_select_related = ["pledge"]
    search_fields = ["pledge__name"]
    ordering = ["-year", "pledge__name"]
    fieldsets = [
        (None, {"fields": ["pledge_link", "year_label", "submitted_at", "updated_at"]}),
        ("Spending locally", {"fields": FIELDS[:5]}),
        ("Pay", {"fields": FIELDS[5:9]}),
        ("Jobs and apprenticeships", {"fields": FIELDS[9:13]}),
        ("Volunteering", {"fields": FIELDS[13:14]}),
        ("Environment", {"fields": FIELDS[14:]}),
        ("Moderation", {"fields": ["hidden", "hidden_note"]}),
    ]
    readonly_fields = ["pledge_link", "year_label", "submitted_at", "updated_at", *FIELDS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # An organisation's own figures: staff hide a wrong one, with a note, never
        # remove what was reported. (A withdrawn pledge's returns count nowhere.)
        return False

    @admin.display(description="reporting year", ordering="year")
    def year_label(self, impact_return):
        return impact_return.label

    @admin.display(description="hidden figures")
    def hidden_count(self, impact_return):
        return len(impact_return.hidden)

    @admin.display(description="signatory")
    def pledge_link(self, impact_return):
        url = reverse("admin:pledges_pledge_change", args=[impact_return.pledge_id])
        return format_html('<a href="{}">{}</a>', url, impact_return.pledge.name)

    def save_model(self, request, obj, form, change):
        newly = obj.moderate(form.cleaned_data["hidden"], form.cleaned_data["hidden_note"])
        if newly:
            self.message_user(
                request,
                f"Hidden: {', '.join(MEASURE[f].short for f in newly)}. "
                "The organisation will be emailed your note.",
                messages.SUCCESS,
            )
