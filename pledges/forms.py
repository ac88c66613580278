import copy
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from phonenumber_field.formfields import PhoneNumberField

from pledges.logos import clean_logo
from pledges.models import (
    EDITABLE,
    District,
    OrganisationType,
    Pledge,
    ProposedChange,
    Sector,
    Size,
)
from pledges.themes import COMMITMENT_FIELDS, THEME, THEMES
from pledges.validators import PHONE_MESSAGE, WEBSITE_MESSAGE, line_endings
from pledges.wording import PRIVACY_NOTICE_VERSION

STARTED_SALT = "pledges.form-started"


def started_token(visitor, at=None):
    """When the form was shown, and to whom (a digest of the visitor's CSRF secret),
    signed so that it cannot be forged or carried to another visitor."""
    at = timezone.now().timestamp() if at is None else at
    return signing.dumps([at, _visitor_digest(visitor)], salt=STARTED_SALT)


def _visitor_digest(visitor):
    return salted_hmac(STARTED_SALT, visitor).hexdigest()[:16]


def read_started(token, visitor):
    """When a form shown to this visitor was shown, or None for a forged, foreign or
    malformed token."""
    try:
        at, digest = signing.loads(token, salt=STARTED_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(at, int | float) or digest != _visitor_digest(visitor):
        return None
    return at


# What each field holds is the model's rule (pledges.validators); these forms add only
# the words and layout of their own page.


def website_field():
    return forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={"invalid": WEBSITE_MESSAGE},
    )


class TextField(forms.CharField):
    """Long text with line endings as the model stores them: a Windows line ending counts
    as one character, as browsers count it, and a form sent back unchanged is unchanged."""

    def to_python(self, value):
        return line_endings(super().to_python(value))


def statement_field(**options):
    return TextField(
        **{
            "label": "Why your organisation is backing Lancashire (optional)",
            "required": False,
            "max_length": 500,
            "widget": forms.Textarea(attrs={"rows": 4}),
            "help_text": "At most 500 characters. Shown on the signatory wall.",
            **options,
        }
    )


# What browsers may fill in for people, by field.
AUTOCOMPLETE = {
    "name": "organization",
    "postcode": "postal-code",
    "contact_name": "name",
    "contact_role": "organization-title",
    "email": "email",
    "phone": "tel",
}


def fill_in(fields):
    for name, token in AUTOCOMPLETE.items():
        if name in fields:
            fields[name].widget.attrs["autocomplete"] = token
    if "phone" in fields:
        fields["phone"].widget.input_type = "tel"


COMMITMENT_LABELS = {theme.field: f"We commit to {theme.commitment}" for theme in THEMES}
# The sign-up form's questions, in the order the page asks them.
ABOUT = [
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
]
WHO = ["contact_name", "contact_role", "email", "phone"]
AGREEMENT = ["authorised", "agreed_to_listing"]


class PledgeForm(forms.ModelForm):
    """The sign-up form: what the organisation tells us, checked field by field."""

    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As you would like it shown on the signatory wall.",
        error_messages={"required": "Enter your organisation’s name."},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        help_text="Of your main site in or near Lancashire. We do not publish it.",
        error_messages={"required": "Enter your organisation’s postcode."},
    )
    website = website_field()
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
    statement = statement_field()
    contact_name = forms.CharField(
        label="Contact name",
        max_length=100,
        help_text="The person signing. We do not publish it.",
        error_messages={"required": "Enter the name of the person signing."},
    )
    contact_role = forms.CharField(
        label="Job title",
        max_length=100,
        error_messages={"required": "Enter your job title."},
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
        error_messages={"invalid": PHONE_MESSAGE},
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
        fields = [*ABOUT, *COMMITMENT_FIELDS, *WHO, *AGREEMENT]
        labels = {
            "organisation_type": "Type of organisation",
            "sector": "Sector",
            "size": "Number of employees",
            "district": "District",
            **COMMITMENT_LABELS,
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

    def __init__(self, *args, visitor="", **kwargs):
        """`visitor` is the visitor's CSRF secret, which the fill-time token is bound to."""
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        for name in ("organisation_type", "sector", "size", "district"):
            self.fields[name].choices = [("", "Select…"), *self.fields[name].choices[1:]]
        fill_in(self.fields)
        self.fields["postcode"].widget.attrs["size"] = 10
        self.fields["leave_blank"].widget.attrs.update(autocomplete="off", tabindex="-1")
        if not self.is_bound:
            self.initial["started"] = started_token(visitor)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("About your organisation", *ABOUT),
            Fieldset(
                "What your organisation commits to",
                HTML(
                    '<p class="form-text">Tick each one your organisation commits to. '
                    '<a href="/social-value/">What the five themes mean</a>.</p>'
                ),
                *COMMITMENT_FIELDS,
                css_id="commitments",
            ),
            Fieldset("Who is signing", *WHO),
            Fieldset(
                "Your agreement",
                *AGREEMENT,
                HTML(
                    "<p>Read how we use this information in our "
                    '<a href="/privacy/">privacy notice</a>.</p>'
                ),
            ),
            Div("leave_blank", css_class="trap", aria_hidden="true"),
            "started",
            Submit("submit", "Sign the pledge", css_class="btn-lg"),
        )

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        return clean_logo(upload) if upload else None

    def clean(self):
        super().clean()
        # A form left open for hours is a person's (a bot would not wait): say so, and
        # send the page back with a fresh token so that the next try goes through.
        shown = read_started(self.data.get("started", ""), self.visitor)
        max_age = settings.PLEDGE_FORM_MAX_AGE.total_seconds()
        if settings.PLEDGE_MIN_FILL_SECONDS and shown and self._age(shown) > max_age:
            # The person has filled the form in already: the fresh token counts as shown
            # long enough ago, so that sending it straight back is not taken for a bot's.
            self.data = self.data.copy()
            shown = timezone.now().timestamp() - settings.PLEDGE_MIN_FILL_SECONDS
            self.data["started"] = started_token(self.visitor, at=shown)
            hours = round(max_age / 3600)
            raise ValidationError(
                f"This form was open for more than {hours} hour{'s'[: hours != 1]}, so we "
                "could not take it. Check your answers and send it again.",
                code="expired",
            )

    @staticmethod
    def _age(shown):
        return timezone.now().timestamp() - shown

    # Bot checks: not errors a person would see, so the view decides what to do.

    def looks_automated(self, min_seconds):
        """A filled honeypot, a missing, forged or foreign token, or a form sent too fast."""
        if self.data.get("leave_blank"):
            return True
        if not min_seconds:
            return False
        shown = read_started(self.data.get("started", ""), self.visitor)
        return shown is None or self._age(shown) < min_seconds

    def spend_token(self):
        """Mark the form's token used, or say it was used before (a replay).

        Counted in the shared cache for as long as a token works. Call it just before
        saving, and release_token if the save fails, so that a person sent back by a
        limit or an outage can try again. An unreachable cache answers None, not False:
        the person goes through, as the rate limits let them.
        """
        if not settings.PLEDGE_MIN_FILL_SECONDS:
            return True
        timeout = settings.PLEDGE_FORM_MAX_AGE.total_seconds()
        return cache.add(self._used_key(), True, timeout=timeout) is not False

    def release_token(self):
        cache.delete(self._used_key())

    def _used_key(self):
        token = self.data.get("started", "")
        return "pledges:form-token:" + salted_hmac(STARTED_SALT, token).hexdigest()

    def pledge_fields(self):
        """What the model needs to create the pledge, as the model's rules left it,
        with the consent stamped now."""
        fields = {name: getattr(self.instance, name) for name in self._meta.fields}
        fields["logo"] = self.cleaned_data.get("logo")
        fields["privacy_notice_version"] = PRIVACY_NOTICE_VERSION
        fields["consented_at"] = timezone.now()
        return fields

    def save(self, commit=True):
        return Pledge.submit(**self.pledge_fields())


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
    """What an organisation may change about its own pledge.

    It works on a copy: the pledge itself stays as stored until Pledge.update_details
    applies and records the changes. A change waiting for review is shown as the
    organisation left it, so that it can be revised.
    """

    name = PledgeForm.base_fields["name"]
    website = website_field()
    statement = statement_field()
    new_logo = forms.FileField(
        label="New logo (optional)",
        required=False,
        help_text="A PNG, JPEG or WebP image of up to 2 MB, to replace the one shown now.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove our logo", required=False)
    contact_name = PledgeForm.base_fields["contact_name"]
    contact_role = PledgeForm.base_fields["contact_role"]
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Where we send links to manage the pledge. We do not publish it.",
        error_messages=PledgeForm.base_fields["email"].error_messages,
    )
    phone = PledgeForm.base_fields["phone"]

    class Meta:
        model = Pledge
        fields = EDITABLE
        labels = {"size": "Number of employees", **COMMITMENT_LABELS}

    def __init__(self, *args, instance, **kwargs):
        # Found through the pledge as stored, which the comparison shows as it stands.
        self.proposed = instance.changes.filter(status=ProposedChange.Status.OPEN).first()
        instance = copy.copy(instance)
        if self.proposed:
            for field, value in self.proposed.values.items():
                setattr(instance, field, value)
        super().__init__(*args, instance=instance, **kwargs)
        if self.instance.is_public():
            self.fields["name"].help_text = "As shown on the signatory wall."
        else:
            self.fields["name"].help_text = PledgeForm.base_fields["name"].help_text
        if not self.instance.logo:
            del self.fields["remove_logo"]
            self.fields["new_logo"].label = "Logo (optional)"
            self.fields["new_logo"].help_text = PledgeForm.base_fields["logo"].help_text
        fill_in(self.fields)
        public = (
            HTML(
                '<p class="form-text">Our team checks changes to what the public sees before '
                "they are shown. Until then, your entry stays as it is now.</p>"
            )
            if self.instance.is_public()
            else HTML("")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "What the public sees",
                public,
                "name",
                "size",
                "website",
                "statement",
                "new_logo",
                *(["remove_logo"] if "remove_logo" in self.fields else []),
            ),
            Fieldset(
                "What your organisation commits to",
                *COMMITMENT_FIELDS,
                css_id="commitments",
            ),
            Fieldset(
                "Who we contact",
                HTML('<p class="form-text">Never published. Changes here are saved at once.</p>'),
                "contact_name",
                "contact_role",
                "email",
                "phone",
            ),
            Submit("save", "Save changes"),
        )

    def clean_new_logo(self):
        upload = self.cleaned_data["new_logo"]
        return clean_logo(upload) if upload else None

    def changes(self):
        """The fields as the organisation left them, after the model's rules."""
        changes = {field: getattr(self.instance, field) for field in EDITABLE}
        if self.cleaned_data.get("new_logo"):
            changes["logo"] = self.cleaned_data["new_logo"]
        elif self.cleaned_data.get("remove_logo"):
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
        choices=[("", "Any commitment"), *[(theme.slug, theme.commitment) for theme in THEMES]],
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
        # Every word, anywhere in the name and in any order, so that "bakery bacup" and
        # "bac bak" both find "Bacup Bakery & Sons". On PostgreSQL a trigram index
        # answers each word (migration 0012); SQLite reads the table.
        for word in self.value("q").split():
            pledges = pledges.filter(name__icontains=word)
        for name, lookup in (("district", "district"), ("sector", "sector"),
                             ("type", "organisation_type"), ("size", "size")):  # fmt: skip
            if value := self.value(name):
                pledges = pledges.filter(**{lookup: value})
        if commitment := self.value("commitment"):
            pledges = pledges.filter(**{THEME[commitment].field: True})
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
