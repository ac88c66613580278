from urllib.parse import urlencode, urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core import signing
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from localflavor.gb.forms import GBPostcodeField
from phonenumber_field.formfields import PhoneNumberField

from campaign.content import PRIVACY_NOTICE_VERSION
from pledges import validators
from pledges.logos import clean_logo
from pledges.models import (
    COMMITMENTS,
    EDITABLE,
    District,
    OrganisationType,
    Pledge,
    Sector,
    Size,
)

STARTED_SALT = "pledges.form-started"


def require_a_commitment(form, data):
    if not any(data.get(field) for field, _, _ in COMMITMENTS):
        form.add_error(COMMITMENTS[0][0], "Tick at least one of the five commitments.")


class WebsiteField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": "Enter the website address, like https://www.example.org.uk",
    }

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        # Host names are case-insensitive; keep them in one form.
        scheme, _, rest = value.partition("://")
        host, slash, path = rest.partition("/")
        return f"{scheme.lower()}://{host.lower()}{slash}{path}"

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        try:
            netloc = urlsplit(value).netloc
        except ValueError:  # an unbalanced [ or ], which only an IPv6 address may use
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        # https://www.lancashire.police.uk@evil.example goes to evil.example.
        if "@" in netloc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class TextField(forms.CharField):
    """Long text, with Windows line endings counted as one character, as browsers count them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class PledgeForm(forms.ModelForm):
    """The sign-up form: what the organisation tells us, checked field by field."""

    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        validators=[validators.has_words, validators.no_control_characters],
        help_text="As you would like it shown on the signatory wall.",
        error_messages={"required": "Enter your organisation’s name."},
    )
    postcode = GBPostcodeField(
        label="Postcode",
        help_text="Of your main site in or near Lancashire. We do not publish it.",
        error_messages={
            "required": "Enter your organisation’s postcode.",
            "invalid": "Enter a real UK postcode, like PR1 2AB.",
        },
    )
    website = WebsiteField(label="Website (optional)", required=False, max_length=300)
    companies_house_number = forms.CharField(
        label="Companies House number (optional)",
        required=False,
        max_length=12,
        help_text="If your organisation is a registered company. We do not publish it.",
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        required=False,
        max_length=14,
        help_text="If your organisation is a registered charity. We do not publish it.",
    )
    logo = forms.FileField(
        label="Logo (optional)",
        required=False,
        help_text="A PNG, JPEG or WebP image of up to 2 MB. Shown on the signatory wall.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    statement = TextField(
        label="Why your organisation is backing Lancashire (optional)",
        required=False,
        max_length=500,
        validators=[validators.no_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="At most 500 characters. Shown on the signatory wall.",
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=100,
        validators=[validators.has_words, validators.no_control_characters],
        help_text="The person signing. We do not publish it.",
        error_messages={"required": "Enter the name of the person signing."},
    )
    contact_role = forms.CharField(
        label="Job title",
        max_length=100,
        error_messages={"required": "Enter your job title."},
        validators=[validators.has_words, validators.no_control_characters],
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send a link to confirm it. We do not publish it.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right form, like name@example.org",
        },
    )
    phone = PhoneNumberField(
        label="Phone number (optional)",
        required=False,
        region="GB",
        help_text="A UK number, in case we need to check anything. We do not publish it.",
        error_messages={"invalid": "Enter a UK phone number, like 01772 123456 or 07911 123456."},
    )
    authorised = forms.BooleanField(
        label="I am authorised to sign on behalf of this organisation",
        error_messages={
            "required": "Confirm that you are authorised to sign for this organisation."
        },
    )
    agreed_to_listing = forms.BooleanField(
        label="I agree to our organisation’s name, logo and statement being shown on the "
        "signatory wall",
        error_messages={
            "required": "Agree to your organisation being shown on the signatory wall."
        },
    )
    # Bots fill in every field they find; people never see this one.
    # Named so that no browser's autofill ever fills it in for a person.
    leave_blank = forms.CharField(label="Leave this field empty", required=False)
    # When the form was shown, signed so that it cannot be forged.
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pledge
        fields = [
            "name",
            "organisation_type",
            "sector",
            "size",
            "district",
            "postcode",
            "website",
            "companies_house_number",
            "charity_number",
            "logo",
            "statement",
            *[field for field, _, _ in COMMITMENTS],
            "contact_name",
            "contact_role",
            "email",
            "phone",
            "authorised",
            "agreed_to_listing",
        ]
        labels = {
            "organisation_type": "Type of organisation",
            "sector": "Sector",
            "size": "Number of employees",
            "district": "District",
            **{field: f"We commit to {text}" for field, _, text in COMMITMENTS},
        }
        help_texts = {
            "sector": "The main thing your organisation does.",
            "district": "Where your organisation is based, or does most of its work.",
        }
        error_messages = {
            "organisation_type": {"required": "Select the type of organisation."},
            "sector": {"required": "Select your organisation’s sector."},
            "size": {"required": "Select how many people your organisation employs."},
            "district": {"required": "Select the district your organisation is based in."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organisation_type", "sector", "size", "district"):
            self.fields[name].choices = [("", "Select…"), *self.fields[name].choices[1:]]
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", size=10)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["leave_blank"].widget.attrs.update(autocomplete="off", tabindex="-1")
        if not self.is_bound:
            self.initial["started"] = signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "About your organisation",
                "name",
                "organisation_type",
                "sector",
                "size",
                "district",
                "postcode",
                "website",
                "companies_house_number",
                "charity_number",
                "logo",
                "statement",
            ),
            Fieldset(
                "What your organisation commits to",
                HTML(
                    '<p class="form-text">Tick each one your organisation commits to. '
                    '<a href="/social-value/">What the five themes mean</a>.</p>'
                ),
                *[field for field, _, _ in COMMITMENTS],
                css_id="commitments",
            ),
            Fieldset("Who is signing", "contact_name", "contact_role", "email", "phone"),
            Fieldset(
                "Your agreement",
                "authorised",
                "agreed_to_listing",
                HTML(
                    "<p>Read how we use this information in our "
                    '<a href="/privacy/">privacy notice</a>.</p>'
                ),
            ),
            Div("leave_blank", css_class="trap", aria_hidden="true"),
            "started",
            Submit("submit", "Sign the pledge", css_class="btn-lg"),
        )

    def clean_name(self):
        return validators.tidy(self.cleaned_data["name"])

    def _get_validation_exclusions(self):
        # The one-pledge rule is the database's, answered by Pledge.submit (and checked
        # early in clean() when the form has other mistakes); the model's own copy of
        # the check would only repeat its queries.
        return {*super()._get_validation_exclusions(), "name", "companies_house_number"}

    def clean_contact_name(self):
        return validators.tidy(self.cleaned_data["contact_name"])

    def clean_contact_role(self):
        return validators.tidy(self.cleaned_data["contact_role"])

    def clean_email(self):
        local, _, domain = self.cleaned_data["email"].rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and phone.country_code != 44:
            raise forms.ValidationError(
                "Enter a UK phone number, like 01772 123456 or 07911 123456."
            )
        return phone

    def clean_companies_house_number(self):
        value = self.cleaned_data["companies_house_number"]
        return validators.companies_house_number(value) if value else ""

    def clean_charity_number(self):
        value = self.cleaned_data["charity_number"]
        return validators.charity_number(value) if value else ""

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        return clean_logo(upload) if upload else None

    def clean(self):
        data = super().clean()
        require_a_commitment(self, data)
        # A form that will be saved leaves this to the database's unique indexes, which
        # Pledge.submit answers with DuplicatePledge; one with other mistakes checks now,
        # so that the visitor hears of all of them at once.
        if "name" in data and self.errors:
            existing = Pledge.objects.matching(
                name=data["name"], companies_house_number=data.get("companies_house_number", "")
            ).first()
            if existing:
                self.add_duplicate_error(existing)
        return data

    def add_duplicate_error(self, existing):
        """Say the organisation has signed, linking to its public entry but nothing private."""
        if existing is None:  # lost a race to a pledge that has gone again since
            self.add_error("name", f"{self.cleaned_data['name']} has already signed the pledge.")
            return
        same_number = (
            existing.companies_house_number
            and existing.companies_house_number == self.cleaned_data.get("companies_house_number")
            and existing.name.lower() != self.cleaned_data.get("name", "").lower()
        )
        who = "An organisation with this Companies House number" if same_number else existing.name
        if existing.is_public():
            message = format_html(
                '{} has already signed the pledge: <a href="{}">see its entry on the wall</a>.',
                who,
                existing.get_absolute_url(),
            )
        elif existing.status == Pledge.Status.UNVERIFIED:
            message = format_html(
                "{} has already signed the pledge, and is waiting for the email address to be "
                'confirmed. If that was you, <a href="{}">get a new confirmation link</a>.',
                who,
                reverse("pledges:resend"),
            )
        else:
            message = format_html("{} has already signed the pledge.", who)
        self.add_error("companies_house_number" if same_number else "name", message)

    # Bot checks: not errors a person would see, so the view decides what to do.

    def looks_automated(self, min_seconds):
        if self.data.get("leave_blank"):
            return True
        if not min_seconds:
            return False
        try:
            started = signing.loads(self.data.get("started", ""), salt=STARTED_SALT)
        except signing.BadSignature:
            return True
        return timezone.now().timestamp() - started < min_seconds

    def pledge_fields(self):
        """What the model needs to create the pledge, with the consent stamped now."""
        fields = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name != "logo"
        }
        if self.cleaned_data.get("logo"):
            fields["logo"] = self.cleaned_data["logo"]
        fields["privacy_notice_version"] = PRIVACY_NOTICE_VERSION
        fields["consented_at"] = timezone.now()
        return fields


class EmailForm(forms.Form):
    """An email address, for sending a fresh link to whoever signed with it."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you gave when you signed.",
        error_messages={
            "required": "Enter the email address you signed with.",
            "invalid": "Enter an email address in the right form, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False


class ManageForm(forms.ModelForm):
    """What an organisation may change about its own pledge."""

    name = PledgeForm.base_fields["name"]
    website = PledgeForm.base_fields["website"]
    statement = PledgeForm.base_fields["statement"]
    new_logo = forms.FileField(
        label="New logo (optional)",
        required=False,
        help_text="A PNG, JPEG or WebP image of up to 2 MB, to replace the one shown now.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove our logo", required=False)

    class Meta:
        model = Pledge
        fields = EDITABLE
        labels = {
            "size": "Number of employees",
            **{field: f"We commit to {text}" for field, _, text in COMMITMENTS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "name"
        ].help_text = "If you change the name, our team checks the pledge again before it is shown."
        if not self.instance.logo:
            del self.fields["remove_logo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Your organisation",
                "name",
                "size",
                "website",
                "statement",
                "new_logo",
                *(["remove_logo"] if "remove_logo" in self.fields else []),
            ),
            Fieldset(
                "What your organisation commits to",
                *[field for field, _, _ in COMMITMENTS],
                css_id="commitments",
            ),
            Submit("save", "Save changes"),
        )

    def clean_name(self):
        return validators.tidy(self.cleaned_data["name"])

    def clean_new_logo(self):
        upload = self.cleaned_data["new_logo"]
        return clean_logo(upload) if upload else None

    def clean(self):
        data = super().clean()
        require_a_commitment(self, data)
        name = data.get("name")
        others = Pledge.objects.matching(name=name).exclude(pk=self.instance.pk) if name else None
        if others and others.exists():
            self.add_error("name", f"{name} has already signed the pledge.")
        return data

    def _post_clean(self):
        # Changes are applied by Pledge.update_details, which records them; the
        # instance must stay as it is until then.
        pass

    def changes(self):
        data = self.cleaned_data
        changes = {field: data[field] for field in EDITABLE}
        if data.get("new_logo"):
            changes["logo"] = data["new_logo"]
        elif data.get("remove_logo"):
            changes["logo"] = ""
        return changes


class WallFilter(forms.Form):
    """The wall's query string: anything unknown or malformed is simply ignored."""

    SORTS = [("name", "A to Z"), ("newest", "Newest first")]

    q = forms.CharField(label="Search by name", required=False, max_length=100)
    district = forms.ChoiceField(
        label="District", required=False, choices=[("", "All districts"), *District.choices]
    )
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=[("", "All sectors"), *Sector.choices]
    )
    type = forms.ChoiceField(
        label="Type of organisation",
        required=False,
        choices=[("", "All types"), *OrganisationType.choices],
    )
    size = forms.ChoiceField(
        label="Size", required=False, choices=[("", "All sizes"), *Size.choices]
    )
    commitment = forms.ChoiceField(
        label="Commits to",
        required=False,
        choices=[("", "Any commitment"), *[(slug, text) for _, slug, text in COMMITMENTS]],
    )
    sort = forms.ChoiceField(label="Sort", required=False, choices=SORTS)

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()  # fills cleaned_data with the fields that are valid
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["q"].widget.input_type = "search"

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def value(self, name):
        return self.cleaned_data.get(name) or ""

    def filter(self, pledges):
        fields = {slug: field for field, slug, _ in COMMITMENTS}
        if q := self.value("q"):
            pledges = pledges.filter(name__icontains=q)
        for name, lookup in (("district", "district"), ("sector", "sector"),
                             ("type", "organisation_type"), ("size", "size")):  # fmt: skip
            if value := self.value(name):
                pledges = pledges.filter(**{lookup: value})
        if commitment := self.value("commitment"):
            pledges = pledges.filter(**{fields[commitment]: True})
        if self.value("sort") == "newest":
            return pledges.order_by("-approved_at", "-pk")
        return pledges.order_by("name", "pk")

    def query(self, **changes):
        """The query string of this view with some values changed, for links."""
        values = {name: self.value(name) for name in self.fields}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})

    def is_filtered(self):
        return any(self.value(name) for name in self.fields if name != "sort")
