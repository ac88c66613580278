from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from campaign.models import Payment, Publisher, SpendFigure, SpendImport, Supplier, Testimonial
from campaign.spending import figures, register, uploads
from campaign.spending.forms import ColumnsForm, UploadForm
from campaign.spending.imports import File, preview, save
from campaign.spending.reader import read
from campaign.spending.register import place_name
from campaign.templatetags.site_tags import pounds
from pledges.validators import companies_house_number, company_number_form


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


class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "mapped"]
    readonly_fields = ["mapped"]
    actions = ["forget_columns"]

    @admin.action(
        description="Forget the column names mapped for the selected publishers",
        permissions=["change"],
    )
    def forget_columns(self, request, queryset):
        # A mapping that turned out wrong: the next upload asks again.
        forgotten = queryset.exclude(columns={}).update(columns={})
        self.message_user(request, f"Forgot the column names of {forgotten} publisher(s).")

    @admin.display(description="column names mapped by staff")
    def mapped(self, publisher):
        return "; ".join(f"{ours}: “{theirs}”" for ours, theirs in publisher.columns.items()) or "-"


admin.site.register(Publisher, PublisherAdmin)


@admin.register(SpendImport)
class SpendImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "publisher",
        "covers",
        "payments_read",
        "added",
        "duplicates",
        "refused",
        "money",
        "imported_at",
    ]
    list_filter = ["publisher"]
    search_fields = ["file_name"]
    date_hierarchy = "first_day"
    fields = [
        "file_name",
        "publisher",
        "covers",
        "money",
        "payments_read",
        "added",
        "duplicates",
        "redacted",
        "refused_lines",
        "digest",
        "imported_at",
        "imported_by",
    ]
    readonly_fields = fields

    @admin.display(description="covers", ordering="first_day")
    def covers(self, spend_import):
        return covers(spend_import.first_day, spend_import.last_day)

    @admin.display(description="total", ordering="total")
    def money(self, spend_import):
        return pounds(spend_import.total)

    @admin.display(description="refused")
    def refused(self, spend_import):
        return len(spend_import.refusals)

    @admin.display(description="lines refused, and why")
    def refused_lines(self, spend_import):
        shown = format_html_join("\n", "<div>Line {}: {}</div>", spend_import.refusals[:SHOWN])
        more = len(spend_import.refusals) - SHOWN
        return (
            format_html("{}<div>… and {} more.</div>", shown, more) if more > 0 else shown or "None"
        )

    def has_add_permission(self, request):
        return False  # files come in through the upload, which previews them first

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload), name="campaign_spendimport_upload"),
            *super().get_urls(),
        ]

    def upload(self, request):
        """Upload → preview (nothing saved) → confirm (all or nothing)."""
        if not request.user.has_perm("campaign.add_spendimport"):
            raise PermissionDenied
        step = request.POST.get("step")
        if request.method == "POST" and step in ("import", "map", "cancel"):
            return self.decide(request, step)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            # Files uploaded for a preview a day ago or more, never imported nor
            # cancelled, go now: nothing else would ever read them again.
            uploads.purge(timezone.now())
            files = [File(f.name, f.read()) for f in form.cleaned_data["files"]]
            publisher = form.cleaned_data["publisher"]
            if not publisher.pk:
                publisher.save()  # named by staff: kept, so that its column names can be
            reference = uploads.keep(files, request.user, publisher)
            return self.show_preview(request, publisher, reference, files)
        return TemplateResponse(
            request,
            "admin/campaign/spendimport/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "form": form,
                "title": "Upload spending files",
            },
        )

    def decide(self, request, step):
        # The publisher is the one the files were uploaded for, signed into the reference.
        found = uploads.batch_of(request.POST.get("reference", ""), request.user)
        batch, publisher = found or (None, None)
        publisher = Publisher.objects.filter(pk=publisher).first() if found else None
        try:
            files = uploads.load(batch) if publisher else None
        except FileNotFoundError:  # imported or cancelled by a request a moment ago
            files = None
        if not files:
            self.message_user(
                request,
                "Those files are no longer waiting (they are kept for a day, until they are "
                "imported or cancelled): upload them again.",
                messages.ERROR,
            )
            return redirect("admin:campaign_spendimport_upload")
        if step == "cancel":
            uploads.drop(batch)
            self.message_user(request, "Cancelled: nothing was imported.")
            return redirect("admin:campaign_spendimport_changelist")
        reference = request.POST["reference"]
        if step == "map":
            if not request.user.has_perm("campaign.change_publisher"):
                raise PermissionDenied
            return self.show_preview(request, publisher, reference, files, mapping=request.POST)
        try:
            imports = save(publisher, files, user=request.user)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return self.show_preview(request, publisher, reference, files)
        uploads.drop(batch)
        added = sum(i.added for i in imports)
        self.message_user(
            request,
            f"Imported {len(imports)} file{pluralize(len(imports))}: "
            f"{intcomma(added)} new payment{pluralize(added)}, "
            f"{intcomma(sum(i.duplicates for i in imports))} already imported.",
        )
        return redirect("admin:campaign_spendimport_changelist")

    def show_preview(self, request, publisher, reference, files, mapping=None):
        previews = preview(publisher, files)
        unread = next((p for p in previews if not p.ok and p.reading.headings), None)
        columns = None
        if unread is not None:
            columns = ColumnsForm(unread.reading.headings, mapping, prefix="column")
            if mapping is not None and columns.is_valid():
                # Remembered only if it reads the file: a wrong mapping would refuse
                # every line of every later file of this publisher.
                if read(unread.file.data, columns.mapping()).payments:
                    publisher.columns = {**publisher.columns, **columns.mapping()}
                    publisher.save()
                    return self.show_preview(request, publisher, reference, files)
                columns.add_error(
                    None,
                    f"With these columns no line of {unread.file.name} could be read: check "
                    "which heading is which.",
                )
        return TemplateResponse(
            request,
            "admin/campaign/spendimport/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Check the spending files before importing them",
                "publisher": publisher,
                "reference": reference,
                "previews": previews,
                "unread": unread,
                "columns": columns,
                "ready": all(p.ok for p in previews),
                "new": sum(p.added for p in previews),
                "total": sum((p.reading.total for p in previews), Decimal(0)),
            },
        )


# How many refused lines a spending file's page lists.
SHOWN = 500


def covers(first, last):
    """ "April 2025", or "April–June 2025", of a file's first and last day."""
    if first is None:
        return "-"
    if (first.year, first.month) == (last.year, last.month):
        return date_format(first, "F Y")
    return f"{date_format(first, 'F Y')} – {date_format(last, 'F Y')}"


class LocatedFilter(admin.SimpleListFilter):
    title = "located"
    parameter_name = "located"

    def lookups(self, request, model_admin):
        return [("no", "Not yet located"), ("yes", "Located")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(area="")
        if self.value() == "yes":
            return queryset.exclude(area="")
        return queryset


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "kind", "postcode", "companies_house_number", "pledge", "not_signatory"]

    def clean_postcode(self):
        return register.checked_postcode(self.cleaned_data["postcode"])

    def clean_companies_house_number(self):
        number = company_number_form(self.cleaned_data["companies_house_number"])
        if number:
            companies_house_number(number)
        return number


class SupplierRowForm(SupplierForm):
    """A row of the supplier list. The admin builds a plain form for the list unless told,
    so without this a postcode typed there skipped the check above. A row's fields have no
    label of their own: each is named for its supplier, as a screen reader announces it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} of {self.instance.name}"


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    form = SupplierForm
    list_display = ["name", "spend", "postcode", "kind", "place", "pledge"]
    list_editable = ["postcode", "kind"]
    list_filter = [LocatedFilter, "area", "kind"]
    list_per_page = 50
    search_fields = ["name", "postcode", "companies_house_number", "names__key"]
    raw_id_fields = ["pledge"]
    readonly_fields = ["place", "spellings", "spend"]
    actions = ["merge"]
    change_list_template = "admin/campaign/supplier/change_list.html"

    def get_queryset(self, request):
        # Not super()'s: it orders by get_ordering before "paid" exists. A subquery, not
        # a join: a search by spelling joins the names, and a sum over that join would
        # count each payment once for every spelling.
        spend = (
            Payment.objects.filter(supplier=OuterRef("pk"))
            .order_by()
            .values("supplier")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        suppliers = Supplier.objects.select_related("pledge").annotate(
            paid=Coalesce(Subquery(spend), Decimal(0))
        )
        return suppliers.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Largest spend first, so the queue starts where a postcode moves the figures most.
        # The list orders by this, not by the queryset's order_by, which it would replace
        # with the model's (by name). Not `ordering`: its check knows no annotations.
        return ["-paid", "name"]

    @admin.display(description="spend", ordering="paid")
    def spend(self, supplier):
        return pounds(supplier.paid)

    @admin.display(description="where")
    def place(self, supplier):
        return place_name(supplier.council, supplier.area) or "Not yet located"

    @admin.display(description="spellings seen in the files")
    def spellings(self, supplier):
        return ", ".join(supplier.names.values_list("key", flat=True)) or "-"

    def save_model(self, request, obj, form, change):
        if "pledge" in form.changed_data:
            # Staff's word on which signatory this is, if any, stands: a match they
            # cleared is never made again by name or number.
            obj.not_signatory = obj.pledge_id is None
            if obj.pledge_id is None and not obj.postcode:
                obj.council = obj.area = ""  # it was placed where that signatory is
        register.locate([obj])
        super().save_model(request, obj, form, change)
        register.match_signatories([obj])

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=SupplierRowForm, **kwargs)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**(extra_context or {}), "located": figures.located_share()}
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("postcodes/", view(self.import_postcodes), name="campaign_supplier_postcodes"),
            *super().get_urls(),
        ]

    @admin.action(
        description="Merge the selected suppliers into one", permissions=["change", "delete"]
    )
    def merge(self, request, queryset):
        suppliers = list(queryset)
        if len(suppliers) < 2:
            self.message_user(request, "Choose two or more suppliers to merge.", messages.ERROR)
            return None
        keep = next((s for s in suppliers if str(s.pk) == request.POST.get("keep")), None)
        if keep is None:
            return TemplateResponse(
                request,
                "admin/campaign/supplier/merge.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "Merge suppliers",
                    "suppliers": suppliers,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        merged = register.merge(keep, suppliers)
        self.message_user(request, f"Merged {merged} supplier{pluralize(merged)} into {keep}.")
        return None

    def import_postcodes(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = PostcodesForm(request.POST or None, request.FILES or None)
        outcome = None
        if request.method == "POST" and form.is_valid():
            outcome = register.import_postcodes(form.cleaned_data["file"].read())
            if not outcome.refused:
                self.message_user(request, outcome.summary())
                return redirect("admin:campaign_supplier_changelist")
        return TemplateResponse(
            request,
            "admin/campaign/supplier/postcodes.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Import supplier postcodes",
                "form": form,
                "outcome": outcome,
            },
        )


class PostcodesForm(forms.Form):
    file = forms.FileField(
        label="Supplier postcodes (CSV)",
        help_text="Columns: supplier name, postcode, and optionally Companies House number. "
        "Nothing is saved if any line is wrong: each is listed with its line number.",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        # The site takes 2.5 MB a request on this path: room for 40,000 suppliers.
        if file.size > 2 * 2**20:
            raise forms.ValidationError("Choose a file under 2 MB.")
        return file
