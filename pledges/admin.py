"""The admin is the moderators' workplace: the queue, decisions, history and export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from backing_lancashire.spreadsheet import csv_response
from pledges.forms import categories_field, statement_field
from pledges.logos import clean_logo, logo_file
from pledges.models import (
    CONTACT_FIELDS,
    PUBLIC_FIELDS,
    BuyingLink,
    ChangeRejectionReason,
    ChangeRevised,
    Pledge,
    PledgeEvent,
    PledgeStateError,
    ProposedChange,
    RejectionReason,
    Report,
)
from pledges.themes import COMMITMENT_FIELDS, THEMES
from pledges.validators import PHONE_MESSAGE, WEBSITE_MESSAGE
from pledges.views import render_badge


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    fields = ["at", "action", "from_status", "to_status", "actor_name", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "history entry"
    verbose_name_plural = "History"
    template = "admin/pledges/pledge/history_inline.html"

    @admin.display(description="by")
    def actor_name(self, event):
        return event.actor_label

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on the queue of pending pledges rather than on everything."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Pledge.Status.choices, ("all", "All")]

    def value(self):
        return super().value() or Pledge.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


def commitment_filter(label):
    class CommitmentFilter(admin.BooleanFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = f"commits to {label}"

    return CommitmentFilter


class RejectForm(forms.Form):
    REASONS = RejectionReason.choices

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = self.REASONS

    reason = forms.ChoiceField(
        label="Reason",
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(
        label="Note to the organisation",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Sent with the reason in the email to the organisation. Required for "
        "“Another reason”: say what is wrong and what they can do about it.",
    )

    def clean(self):
        # "Another reason" alone tells an organisation nothing it can act on.
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not cleaned.get("note", "").strip():
            self.add_error(
                "note",
                "Write a note for “Another reason”: say what is wrong and what the "
                "organisation can do about it.",
            )
        return cleaned


class StaffLogoInput(AdminFileWidget):
    """Shows and links the current logo through the admin, which shows it whatever the
    pledge's status (the public address answers only while the pledge is approved).

    The admin's own file input, whose paragraph keeps "Change: Choose file" on a line of
    its own (the plain one ran past the right edge at 1280 px), with the logo above it.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["value"] = StaffLogoLink(value.name)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        control = super().render(name, value, attrs, renderer)
        if not self.is_initial(value):
            return control
        logo = StaffLogoLink(value.name).url
        return format_html(
            '<p class="staff-logo"><img src="{}" alt="The logo now" width="120" height="120">'
            "</p>{}",
            logo,
            control,
        )


class StaffPhoneInput(RegionalPhoneNumberWidget):
    """A UK number as the rest of the site writes it (01706 123456): the admin's own text
    input would show it as stored, +441706123456."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField", **(attrs or {})})


class StaffLogoLink(str):
    @property
    def url(self):
        return reverse("admin:pledges_pledge_logo", args=[self.removeprefix("logos/")])


def staff_withdraw(pledge, by):
    # Staff take down what is public; a pending pledge is rejected instead, so that the
    # organisation is told why.
    if pledge.status != Pledge.Status.APPROVED:
        raise PledgeStateError(pledge, "withdraw")
    pledge.withdraw(by=by)


class StaffView:
    """A pledge as the public pages show it, its logo and badge linked through the admin:
    their public addresses answer only once the pledge is approved."""

    def __init__(self, pledge):
        self._pledge = pledge

    def __getattr__(self, name):
        return getattr(self._pledge, name)

    @property
    def logo(self):
        return StaffLogoLink(self._pledge.logo.name) if self._pledge.logo else None

    def get_badge_url(self):
        # The public badge, too, answers only once its pledge is approved.
        return reverse("admin:pledges_pledge_badge", args=[self._pledge.pk])


class PledgeAdminForm(forms.ModelForm):
    """Staff edits keep the model's rules, as every form does; a new logo is re-encoded."""

    # Room for the spaces people type, as on the sign-up form: the model takes them out.
    companies_house_number = forms.CharField(required=False, max_length=12)
    charity_number = forms.CharField(required=False, max_length=14)
    statement = statement_field(label="Why the organisation is backing Lancashire")
    categories = categories_field(label="What it supplies")

    class Meta:
        model = Pledge
        fields = ["logo"]  # the admin's fieldsets add the rest
        # The sign-up form's words for an address or number it cannot read.
        error_messages = {
            "website": {"invalid": WEBSITE_MESSAGE},
            "phone": {"invalid": PHONE_MESSAGE},
        }

    # A plain file field: Django's image field would first open the upload with every
    # decoder Pillow has; clean_logo opens it with the three we take.
    logo = forms.FileField(required=False, widget=StaffLogoInput)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # A newly uploaded file is re-encoded as on sign-up; a stored one is left alone.
        if isinstance(logo, UploadedFile):
            return clean_logo(logo)
        return logo


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    form = PledgeAdminForm
    list_display = [
        "name",
        "statement_excerpt",
        "website_shown",
        "about",
        "status",
        "submitted_on",
        "verified_on",
    ]
    list_filter = [
        StatusFilter,
        "district",
        "sector",
        "organisation_type",
        "size",
        *[(theme.field, commitment_filter(theme.commitment)) for theme in THEMES],
        "living_wage_accredited",
    ]
    search_fields = ["name", "contact_name", "email"]
    date_hierarchy = "submitted_at"
    ordering = ["submitted_at"]
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "withdraw_selected", "export_csv"]
    inlines = [PledgeEventInline]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        PhoneNumberField: {"widget": StaffPhoneInput},
    }
    change_form_template = "admin/pledges/pledge/change_form.html"
    readonly_fields = [
        "slug",
        "status",
        "rejection_reason",
        "submitted_at",
        "verified_at",
        "approved_at",
        # Set by the check-ins alone (pledges.checkins, run_checkins, Pledge.check_in).
        "affirmed_at",
        "lapsed_at",
        "rejected_at",
        "withdrawn_at",
        "erased_at",
        "authorised",
        "agreed_to_listing",
        "privacy_notice_version",
        "consented_at",
    ]
    fieldsets = [
        ("Status", {"fields": ["status", "rejection_reason", "moderator_note"]}),
        ("Public details", {"fields": PUBLIC_FIELDS}),
        ("Private contact details", {"fields": CONTACT_FIELDS}),
        (
            "Consent and timeline",
            {
                "fields": [
                    "authorised",
                    "agreed_to_listing",
                    "privacy_notice_version",
                    "consented_at",
                    "verified_at",
                    "rejected_at",
                    "withdrawn_at",
                    "erased_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # Pledges come through the sign-up form, which records the consent they need.
        return False

    def view_on_site(self, pledge):
        return pledge.get_absolute_url() if pledge.is_public() else None

    # The queue: enough of each pledge to judge most of them without opening them.

    def changelist_view(self, request, extra_context=None):
        # The queue needs the page's width: beside the filters, the site's navigation
        # column (shown to staff who see many models) pushed the table into a sideways
        # scroll at 1280 px. Breadcrumbs still lead everywhere.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # The day is enough to order the queue by; the time would double the columns' width.
    @admin.display(description="submitted at", ordering="submitted_at")
    def submitted_on(self, pledge):
        return date_format(timezone.localtime(pledge.submitted_at), "j M Y")

    @admin.display(description="verified at", ordering="verified_at")
    def verified_on(self, pledge):
        if not pledge.verified_at:
            return "-"
        return date_format(timezone.localtime(pledge.verified_at), "j M Y")

    # One column, a line each: three would widen the queue past a 1280 px screen. The
    # filters beside it sort the queue by each.
    @admin.display(description="district, sector and size")
    def about(self, pledge):
        return format_html_join(
            "",
            '<span class="about-line">{}</span>',
            [
                (pledge.get_district_display(),),
                (pledge.get_sector_display(),),
                (pledge.get_size_display(),),
            ],
        )

    @admin.display(description="statement")
    def statement_excerpt(self, pledge):
        return Truncator(pledge.statement).chars(120) or "-"

    @admin.display(description="website", ordering="website")
    def website_shown(self, pledge):
        if not pledge.website:
            return "-"
        # No referrer: the organisation's site need not learn the admin's addresses.
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
            pledge.website,
            Truncator(pledge.website).chars(60),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        waiting = ProposedChange.objects.filter(
            pledge_id=object_id if str(object_id).isdigit() else None,
            status=ProposedChange.Status.OPEN,
        ).first()
        extra_context = {**(extra_context or {}), "open_change": waiting}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            obj.events.create(
                action=PledgeEvent.Action.UPDATED,
                from_status=obj.status,
                to_status=obj.status,
                actor=request.user,
                note="Changed in the admin: " + ", ".join(form.changed_data) + ".",
            )

    # Permissions -------------------------------------------------------------

    def has_export_permission(self, request):
        return request.user.has_perm("pledges.export_pledges")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_export_permission(request):
            actions.pop("export_csv", None)
        if not self.has_change_permission(request):
            for name in ("approve_selected", "reject_selected", "withdraw_selected"):
                actions.pop(name, None)
        if request.GET.get("status", Pledge.Status.PENDING) == Pledge.Status.PENDING:
            actions.pop("withdraw_selected", None)  # the queue's pledges are rejected instead
        return actions

    # Decisions ------------------------------------------------------------------

    def decide(self, request, pledges, verb, move):
        """Apply one transition to each pledge, then report what happened."""
        done, refused = [], []
        for pledge in pledges:
            try:
                move(pledge)
            except PledgeStateError as error:
                refused.append(f"{pledge.name} ({error.status})")
            else:
                done.append(pledge)
        if done:
            self.message_user(
                request, f"{verb.capitalize()} {len(done)} pledge{'s'[: len(done) != 1]}."
            )
        if refused:
            self.message_user(
                request,
                f"Not {verb}, as the pledge is in the wrong state: {', '.join(refused)}.",
                messages.ERROR,
            )
        return done

    @admin.action(description="Approve selected pledges", permissions=["change"])
    def approve_selected(self, request, queryset):
        self.decide(
            request,
            queryset,
            "approved",
            lambda pledge: pledge.approve(by=request.user),
        )

    @admin.action(description="Reject selected pledges…", permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self.decide(
                request,
                queryset,
                "rejected",
                lambda pledge: pledge.reject(by=request.user, **form.cleaned_data),
            )
            return None
        return self.confirmation(request, "reject", queryset, form)

    @admin.action(description="Withdraw selected pledges…", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        if "confirm" in request.POST:
            self.decide(
                request, queryset, "withdrawn", lambda pledge: staff_withdraw(pledge, request.user)
            )
            return None
        return self.confirmation(request, "withdraw", queryset)

    def confirmation(self, request, decision, queryset, form=None, single=None):
        return TemplateResponse(
            request,
            "admin/pledges/pledge/confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{decision.capitalize()} {'this pledge' if single else 'pledges'}",
                "decision": decision,
                "pledges": queryset,
                "form": form,
                "single": single,
                "opts": self.model._meta,
                "action": f"{decision}_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Export selected pledges with contact details (CSV)")
    def export_csv(self, request, queryset):
        if not self.has_export_permission(request):
            self.message_user(request, "You do not have permission to export.", messages.ERROR)
            return None
        columns = [
            "name", "status", "organisation_type", "sector", "size", "district", "website",
            *CONTACT_FIELDS,
            *COMMITMENT_FIELDS,
            "submitted_at", "verified_at", "approved_at",
        ]  # fmt: skip
        rows = (
            [
                p.phone.as_national if c == "phone" and p.phone else str(getattr(p, c))
                for c in columns
            ]
            for p in queryset.order_by("submitted_at")
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        return csv_response(f"pledges-contacts-{stamp}.csv", columns, rows)

    # One pledge: the buttons on its page ---------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve_one), name="pledges_pledge_approve"),
            path("<int:pk>/reject/", view(self.reject_one), name="pledges_pledge_reject"),
            path("<int:pk>/withdraw/", view(self.withdraw_one), name="pledges_pledge_withdraw"),
            path("<int:pk>/preview/", view(self.preview), name="pledges_pledge_preview"),
            path("<int:pk>/badge.svg", view(self.badge), name="pledges_pledge_badge"),
            path("logo/<str:name>", view(self.logo), name="pledges_pledge_logo"),
            *super().get_urls(),
        ]

    def logo(self, request, name):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = logo_file(name)
        response["Cache-Control"] = "private, no-store"
        return response

    def preview(self, request, pk):
        """The pledge's public page, as it would be once approved, for staff only."""
        pledge = get_object_or_404(Pledge.objects.only(*PUBLIC_FIELDS, "status"), pk=pk)
        if not self.has_view_permission(request, pledge):
            raise PermissionDenied
        response = TemplateResponse(
            request,
            "admin/pledges/pledge/preview.html",
            {
                "pledge": StaffView(pledge),
                "title": f"Preview: {pledge.name}",
                "description": f"{pledge.name} is backing Lancashire.",
                "admin_url": reverse("admin:pledges_pledge_change", args=[pledge.pk]),
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response

    def badge(self, request, pk):
        """The badge as the preview shows it, whatever the pledge's status."""
        pledge = get_object_or_404(Pledge.objects.only(*PUBLIC_FIELDS), pk=pk)
        if not self.has_view_permission(request, pledge):
            raise PermissionDenied
        response = render_badge(request, pledge)
        response["Cache-Control"] = "private, no-store"
        return response

    def history_view(self, request, object_id, extra_context=None):
        # The pledge's own history is its events, shown on its page; Django's log of
        # admin edits would be empty or partial beside it.
        url = reverse("admin:pledges_pledge_change", args=[object_id])
        return redirect(f"{url}#events-group")

    def one(self, request, pk):
        pledge = get_object_or_404(Pledge, pk=pk)
        if not self.has_change_permission(request, pledge):
            raise PermissionDenied
        return pledge

    def back_to(self, pledge):
        return redirect(reverse("admin:pledges_pledge_change", args=[pledge.pk]))

    def approve_one(self, request, pk):
        pledge = self.one(request, pk)
        if request.method == "POST":
            self.approve_selected(request, Pledge.objects.filter(pk=pk))
        return self.back_to(pledge)

    def reject_one(self, request, pk):
        pledge = self.one(request, pk)
        form = RejectForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            self.decide(
                request,
                [pledge],
                "rejected",
                lambda p: p.reject(by=request.user, **form.cleaned_data),
            )
            return self.back_to(pledge)
        return self.confirmation(request, "reject", [pledge], form, single=pledge)

    def withdraw_one(self, request, pk):
        pledge = self.one(request, pk)
        if request.method == "POST":
            self.decide(request, [pledge], "withdrawn", lambda p: staff_withdraw(p, request.user))
            return self.back_to(pledge)
        return self.confirmation(request, "withdraw", [pledge], single=pledge)

    # Deletion: superusers only, and only what the retention rules let go -----------------

    KEPT = (
        "The retention rules keep a pledge's history: only an unverified pledge whose "
        "confirmation link has expired can be deleted."
    )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.can_delete())

    def delete_view(self, request, object_id, extra_context=None):
        pledge = self.get_object(request, object_id)
        if pledge and request.user.is_superuser and not pledge.can_delete():
            self.message_user(
                request, f"{pledge.name} was not deleted. {self.KEPT}", messages.ERROR
            )
            return self.back_to(pledge)
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # Asked by the bulk delete action (and the delete page): kept pledges are listed
        # as protected, so the page says why and Django deletes nothing.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [pledge for pledge in objs if not pledge.can_delete()]
        if kept and request.user.is_superuser:
            perms_needed.discard(Pledge._meta.verbose_name)
            protected = [*protected, *(f"{pledge.name} (history kept)" for pledge in kept)]
            names = ", ".join(pledge.name for pledge in kept)
            self.message_user(request, f"Not deleted: {names}. {self.KEPT}", messages.ERROR)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        if not obj.can_delete():
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.exclude(pk__in=Pledge.objects.deletable().values("pk")).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class RejectChangeForm(RejectForm):
    REASONS = ChangeRejectionReason.choices


class ChangeStatusFilter(StatusFilter):
    """A change's status, opening on those waiting for review."""

    def lookups(self, request, model_admin):
        return [*ProposedChange.Status.choices, ("all", "All")]

    def value(self):
        return admin.SimpleListFilter.value(self) or ProposedChange.Status.OPEN


@admin.register(ProposedChange)
class ProposedChangeAdmin(admin.ModelAdmin):
    """Approved organisations' changes to what the public sees, before and after.

    Deciding on a change is changing its pledge: the pledge's permissions govern it.
    """

    list_display = ["pledge", "what", "proposed_at", "status"]
    list_filter = [ChangeStatusFilter]
    list_select_related = ["pledge"]
    search_fields = ["pledge__name"]
    ordering = ["proposed_at"]
    fields = ["pledge_link", "status", "comparison", "proposed_at", "decided", "reason", "note"]
    readonly_fields = fields
    change_form_template = "admin/pledges/proposedchange/change_form.html"

    def has_module_permission(self, request):
        return request.user.has_perm("pledges.view_pledge")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("pledges.view_pledge")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("pledges.change_pledge")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="would change")
    def what(self, change):
        return ", ".join(row[0] for row in change.comparison())

    @admin.display(description="pledge")
    def pledge_link(self, change):
        url = reverse("admin:pledges_pledge_change", args=[change.pledge_id])
        return format_html('<a href="{}">{}</a>', url, change.pledge.name)

    @admin.display(description="decided")
    def decided(self, change):
        if not change.decided_at:
            return "-"
        # Withdrawn by the organisation, or decided by an account deleted since.
        who = change.decided_by or (
            "the organisation"
            if change.status == change.Status.WITHDRAWN
            else "a former member of staff"
        )
        return f"{timezone.localtime(change.decided_at):%d %b %Y %H:%M}, by {who}"

    @admin.display(description="before and after")
    def comparison(self, change):
        def shown(value, image):
            if value in ("", None):
                return "(none)"
            if image:
                return format_html('<img src="{}" alt="Logo" width="96">', value)
            return format_html("{}", value)

        def staff_url(logo):
            return reverse("admin:pledges_pledge_logo", args=[logo.name.removeprefix("logos/")])

        urls = (
            staff_url(change.pledge.logo) if change.pledge.logo else "",
            staff_url(change.logo) if change.logo else "",
        )
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (label, shown(now, image), shown(new, image))
                for label, now, new, image in change.comparison(urls)
            ),
        )
        return format_html(
            '<table class="comparison"><thead><tr><th scope="col">Field</th>'
            '<th scope="col">Public now</th><th scope="col">Proposed</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Changes to approved entries", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing here is edited: a change is approved or rejected, never rewritten.
        change = self.get_object(request, object_id)
        title = f"Change to {change.pledge.name}" if change else ""
        hidden = {**dict.fromkeys(["show_save", "show_save_and_continue"], False), "title": title}
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **hidden}
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", view(self.approve), name="pledges_proposedchange_approve"),
            path("<int:pk>/reject/", view(self.reject), name="pledges_proposedchange_reject"),
            *super().get_urls(),
        ]

    def one(self, request, pk):
        change = get_object_or_404(ProposedChange.objects.select_related("pledge"), pk=pk)
        if not self.has_change_permission(request, change):
            raise PermissionDenied
        return change

    def back_to(self, change):
        return redirect(reverse("admin:pledges_proposedchange_change", args=[change.pk]))

    def decide(self, request, change, verb, move):
        try:
            move()
        except PledgeStateError:
            self.message_user(
                request,
                f"Not {verb}: the change is {change.get_status_display().lower()}, "
                f"and the pledge {change.pledge.get_status_display().lower()}.",
                messages.ERROR,
            )
        except ChangeRevised:
            self.message_user(
                request,
                f"Not {verb}: the organisation revised the change after you opened it. "
                "Check it again below.",
                messages.ERROR,
            )
        except ValidationError as error:
            reasons = format_html_join(" ", "{}", ((message,) for message in error.messages))
            self.message_user(request, format_html("Not {}: {}", verb, reasons), messages.ERROR)
        else:
            self.message_user(request, f"Change to {change.pledge.name} {verb}.")

    def approve(self, request, pk):
        change = self.one(request, pk)
        if request.method == "POST":
            seen = request.POST.get("seen", "")
            self.decide(
                request, change, "approved", lambda: change.approve(by=request.user, seen=seen)
            )
        return self.back_to(change)

    def reject(self, request, pk):
        change = self.one(request, pk)
        form = RejectChangeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            self.decide(
                request,
                change,
                "rejected",
                lambda: change.reject(
                    by=request.user, seen=request.POST.get("seen", ""), **form.cleaned_data
                ),
            )
            return self.back_to(change)
        return TemplateResponse(
            request,
            "admin/pledges/proposedchange/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Reject the change to {change.pledge.name}",
                "change": change,
                # The revision this page shows, kept through a form sent back for a
                # missing reason.
                "seen": request.POST.get("seen") or change.revision,
                "comparison": self.comparison(change),
                "form": form,
                "opts": self.model._meta,
            },
        )


class ReportStatusFilter(StatusFilter):
    """A report's status, opening on the open ones."""

    def lookups(self, request, model_admin):
        return [*Report.Status.choices, ("all", "All")]

    def value(self):
        return admin.SimpleListFilter.value(self) or Report.Status.OPEN


class CloseReportForm(forms.ModelForm):
    """Closing a report: what was done. Everything else on the page is read-only."""

    class Meta:
        model = Report
        fields = ["outcome", "outcome_note"]
        widgets = {"outcome": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "outcome" in self.fields:
            self.fields["outcome"].choices = Report.Outcome.choices
            self.fields["outcome"].required = True
            self.fields["outcome"].label = "Outcome (closes the report)"
            self.fields["outcome"].error_messages["required"] = "Choose what was done."

    def clean(self):
        cleaned = super().clean()
        outcome, note = cleaned.get("outcome"), cleaned.get("outcome_note", "")
        if outcome == Report.Outcome.OTHER and not note.strip():
            self.add_error("outcome_note", "Say what was done.")
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Concerns the public reported about listings: a queue of open ones, each closed with
    what was done. Looking into a listing is moderating it: the pledge's permissions
    govern it. The reporter's address is shown here and nowhere else."""

    form = CloseReportForm
    list_display = ["received_at", "pledge", "reason", "status", "outcome"]
    list_filter = [ReportStatusFilter, "reason"]
    list_select_related = ["pledge"]
    search_fields = ["pledge__name"]
    ordering = ["received_at"]
    fieldsets = [
        ("The concern", {"fields": ["pledge_link", "received_at", "reason", "details", "email"]}),
        ("Outcome", {"fields": ["status", "closed", "outcome", "outcome_note"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        shown = ["pledge_link", "received_at", "reason", "details", "email", "status", "closed"]
        if obj is not None and obj.status != Report.Status.OPEN:
            return [*shown, "outcome", "outcome_note"]
        return shown

    def has_module_permission(self, request):
        return request.user.has_perm("pledges.view_pledge")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("pledges.view_pledge")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("pledges.change_pledge") and (
            obj is None or obj.status == Report.Status.OPEN
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="listing")
    def pledge_link(self, report):
        url = reverse("admin:pledges_pledge_change", args=[report.pledge_id])
        return format_html('<a href="{}">{}</a>', url, report.pledge.name)

    @admin.display(description="closed")
    def closed(self, report):
        if not report.closed_at:
            return "-"
        who = report.closed_by or "a former member of staff"
        return f"{timezone.localtime(report.closed_at):%d %b %Y %H:%M}, by {who}"

    def save_model(self, request, obj, form, change):
        try:
            obj.close(
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["outcome_note"],
            )
        except PledgeStateError:
            self.message_user(request, "Not closed: it was closed already.", messages.ERROR)


@admin.register(BuyingLink)
class BuyingLinkAdmin(admin.ModelAdmin):
    """The links beside the supplier search: where to find tenders and register to sell."""

    list_display = ["title", "url", "position"]
    list_editable = ["position"]
    search_fields = ["title", "url"]
    fields = ["title", "url", "description", "position"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_changeform_initial_data(self, request):
        # A new link goes after the others unless staff say otherwise.
        last = BuyingLink.objects.order_by("-position").values_list("position", flat=True)
        return {"position": (last.first() or 0) + 1, **super().get_changeform_initial_data(request)}
