import copy
import functools
import itertools
import unicodedata
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from phonenumber_field.formfields import PhoneNumberField

from backing_lancashire import postcodes
from pledges import categories as cpv
from pledges.checkins import Standing, condition
from pledges.logos import clean_logo, drop_pending, keep_pending, pending_image, read_pending
from pledges.models import (
    EDITABLE,
    PUBLIC_FIELDS,
    SELLS_TO,
    SUPPLIER_FIELDS,
    District,
    OrganisationType,
    Pledge,
    ProposedChange,
    Report,
    Sector,
    Size,
)
from pledges.themes import COMMITMENT_FIELDS, THEME, THEMES
from pledges.validators import PHONE_MESSAGE, WEBSITE_MESSAGE, line_endings, tidy
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


def in_page_form():
    """The crispy helper of a form drawn inside the page's own <form>, which has the tag
    and the CSRF token: crispy would add a second token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


# What a too-long answer is called in its message, by field name (the same on every
# form): "Enter a job title of 100 characters or fewer."
ANSWER_NAMES = {
    "name": "an organisation name",
    "postcode": "a postcode",
    "website": "a website address",
    "companies_house_number": "a Companies House number",
    "charity_number": "a charity number",
    "statement": "a statement",
    "contact_name": "a name",
    "contact_role": "a job title",
    "email": "an email address",
    "details": "a description",
}
DJANGO_INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]


class PlainMessages:
    """Django's own words for a too-long answer ("Ensure this value has at most…") or an
    unknown choice ("Select a valid choice…") put in ours, on every field of the form
    that has not its own. A mixin for the public forms, before forms.Form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if getattr(field, "max_length", None) and "max_length" not in field.error_messages:
                answer = ANSWER_NAMES.get(name)
                field.error_messages["max_length"] = (
                    f"Enter {answer} of {field.max_length:,} characters or fewer."
                    if answer
                    else f"Enter {field.max_length:,} characters or fewer."
                )
            if field.error_messages.get("invalid_choice") == DJANGO_INVALID_CHOICE:
                field.error_messages["invalid_choice"] = "Choose one of the options."


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
# Asked as radio buttons: short lists a person takes in at a glance.
RADIOS = ["organisation_type", "size"]
RADIO_WIDGETS = {name: forms.RadioSelect for name in RADIOS}
# The sign-up form's questions, in the order the page asks them.
ABOUT = [
    "name",
    "organisation_type",
    "sector",
    "size",
    "postcode",
    "district",
    "website",
    "companies_house_number",
    "charity_number",
    "logo",
    "statement",
]
WHO = ["contact_name", "contact_role", "email", "phone"]
AGREEMENT = ["authorised", "agreed_to_listing"]


class AsksThePledgeQuestions:
    """The pledge's questions asked the same way on every form that asks them (sign-up
    and manage): the short lists as radio buttons (Meta.widgets = RADIO_WIDGETS), and the
    five commitments as one question (commitments_fieldset), whose error is the group's."""

    def ask_the_pledge_questions(self):
        for name in RADIOS:
            if name in self.fields:
                field = self.fields[name]
                field.choices = [choice for choice in field.choices if choice[0] != ""]
                # A group's error summary link goes to its first choice.
                field.error_anchor = f"id_{name}_0"
        # The model gives "tick at least one" to the first box; it is the group's.
        self.fields[COMMITMENT_FIELDS[0]].error_anchor = "commitments"
        for name in COMMITMENT_FIELDS:
            self.fields[name].widget.attrs["class"] = "form-check-input"

    @property
    def commitment_fields(self):
        return [self[name] for name in COMMITMENT_FIELDS]


def commitments_fieldset():
    # One question, so its error is the group's, beside the legend.
    return Fieldset(
        "What your organisation commits to", template="pledges/includes/commitments.html"
    )


def is_goods(category):
    """Goods, in the CPV's terms: its divisions 03 to 44, and 48 (software packages). The
    others are works (45, construction) and services (50 to 98)."""
    division = int(category.division)
    return division < 45 or division == 48


# The categories as the forms ask them: in two groups, each from A to Z, so that a person
# reads down the one group they sell in rather than 45 boxes in the CPV's order of codes.
CATEGORY_GROUPS = [
    ("Goods", sorted(filter(is_goods, cpv.CATEGORIES), key=lambda c: c.label)),
    (
        "Services and building work",
        sorted(itertools.filterfalse(is_goods, cpv.CATEGORIES), key=lambda c: c.label),
    ),
]


def categories_field(**options):
    return forms.MultipleChoiceField(
        **{
            "label": "Which categories describe what you supply? (optional)",
            "required": False,
            "choices": [(c.code, c.label) for _, group in CATEGORY_GROUPS for c in group],
            "widget": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "help_text": f"Choose up to {cpv.MOST}. They are the categories public buyers "
            "use to describe what they buy (the divisions of the Common Procurement "
            "Vocabulary).",
            **options,
        }
    )


def supplies_field(**options):
    longest = Pledge._meta.get_field("supplies").max_length
    return forms.CharField(
        **{
            "label": "What you supply, in a line (optional)",
            "required": False,
            "max_length": longest,
            "help_text": "For example: “Buffets and hot meals for meetings and events across "
            f"Preston.” At most {longest} characters.",
            **options,
        }
    )


SUPPLIER_LABELS = {
    "sells_to_public_sector": "The public sector (councils, the police, the NHS, schools)",
    "sells_to_businesses": "Businesses and other organisations",
    "sells_to_public": "The public",
    "living_wage_accredited": "We are accredited by the Living Wage Foundation",
}
SUPPLIER_HELP = {
    "living_wage_accredited": "Only if you hold its accreditation: we check its list of "
    "accredited employers before showing it.",
}


class AsksWhatItSupplies:
    """What an organisation supplies, asked the same way on every form that asks it
    (sign-up, manage and check-in): for buyers searching the supplier pages."""

    def ask_what_it_supplies(self):
        for name in [*SELLS_TO.values(), "living_wage_accredited"]:
            self.fields[name].widget.attrs["class"] = "form-check-input"
        # The categories are one question: a summary's link goes to the group, its
        # legend and hint in view, as the commitments' does.
        self.fields["categories"].error_anchor = "categories"

    @property
    def category_groups(self):
        """The categories' boxes in their groups (CATEGORY_GROUPS), for the template."""
        boxes = {box.data["value"]: box for box in self["categories"]}
        return [(legend, [boxes[c.code] for c in group]) for legend, group in CATEGORY_GROUPS]


def supplier_fieldset():
    # The intro and each group's hint are read with the group (aria-describedby).
    return Fieldset(
        "What you supply (optional)",
        HTML(
            '<p class="supplier-questions__intro" id="supplier-questions-hint">Buyers — the '
            "police, councils, businesses — can find you on our supplier pages by what you "
            "supply and how near you are, as well as by your size and type of organisation. "
            "What you tell us here is shown publicly once our team has checked it. We never "
            "publish your postcode: only how far away your postcode sector (such as “PR1 2”) is, "
            "to the nearest mile.</p>"
        ),
        Fieldset("", template="pledges/includes/categories.html"),
        "supplies",
        Fieldset(
            "Who do you sell to? (optional)",
            HTML('<p class="form-text" id="supplier-sells-hint">Tick all that apply.</p>'),
            *SELLS_TO.values(),
            css_class="supplier-sells",
            css_id="supplier-sells",
            aria_describedby="supplier-sells-hint",
        ),
        "living_wage_accredited",
        css_class="supplier-questions",
        css_id="supplier-questions",
        aria_describedby="supplier-questions-hint",
    )


POSTCODE_NOT_FOUND = "We cannot find that postcode — check it, or choose your district"


class DerivesTheDistrict:
    """The district from the postcode, on every form that asks for a postcode (sign-up and
    manage): the Lancashire council area it is in, or "Elsewhere in the North West", or
    "Outside the North West" (postcodes.Place.pledge_district). Only when the postcode
    cannot be found is the district asked, after the postcode, with a message saying so:
    a well-shaped postcode we do not have is never guessed from its letters."""

    asks_district = False

    def derive_district(self, before=None):
        """Put the district in cleaned_data. `before` is the pledge as stored, whose
        district stays while its postcode does."""
        data = self.cleaned_data
        if "postcode" in self.errors:
            return
        written = postcodes.normalise(data.get("postcode", ""))
        if before is not None and (written is None or written == before.postcode):
            data["district"] = before.district  # unchanged, or a mistake to fix first
            return
        if written is None:
            return  # nothing yet to find it from: the postcode's own error says why
        if place := postcodes.find(written):
            data["district"] = place.pledge_district
            return
        self.ask_district()
        if not data.get("district"):
            self.add_error("postcode", POSTCODE_NOT_FOUND)

    def ask_district(self):
        self.asks_district = True
        field = self.fields["district"]
        field.label = "District"
        field.choices = [("", "Select…"), *District.choices]
        field.help_text = "Where your organisation is based, or does most of its work."
        # The question goes after the postcode, in whichever fieldset holds it.
        for fieldset in self.helper.layout.fields:
            names = getattr(fieldset, "fields", [])
            if "postcode" in names and "district" not in names:
                names.insert(names.index("postcode") + 1, "district")


class CatchesBots:
    """The bot checks of a public form with a `leave_blank` honeypot and a `started`
    token, shown to the visitor whose CSRF secret is `self.visitor`."""

    def set_up_trap(self, visitor):
        self.visitor = visitor
        self.fields["leave_blank"].widget.attrs.update(autocomplete="off", tabindex="-1")
        if not self.is_bound:
            self.initial["started"] = started_token(visitor)

    def looks_automated(self, min_seconds):
        """A filled honeypot, a missing, forged or foreign token, or a form sent too fast."""
        if self.data.get("leave_blank"):
            return True
        if not min_seconds:
            return False
        shown = read_started(self.data.get("started", ""), self.visitor)
        return shown is None or timezone.now().timestamp() - shown < min_seconds


class PledgeForm(
    PlainMessages,
    AsksThePledgeQuestions,
    AsksWhatItSupplies,
    DerivesTheDistrict,
    CatchesBots,
    forms.ModelForm,
):
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
        help_text="Of your main site in or near Lancashire. We use it to find your district, "
        "which is shown on the signatory wall; we do not publish the postcode.",
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
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    # The logo chosen on an earlier try of this form, kept (pledges.logos.keep_pending).
    logo_ref = forms.CharField(widget=forms.HiddenInput, required=False)
    remove_logo = forms.BooleanField(label="Remove this logo", required=False)
    statement = statement_field()
    categories = categories_field()
    supplies = supplies_field()
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
        label="I agree to our organisation’s name, logo and statement, and what it supplies, "
        "being shown on the signatory wall and the supplier pages",
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
        fields = [*ABOUT, *COMMITMENT_FIELDS, *SUPPLIER_FIELDS, *WHO, *AGREEMENT]
        labels = {
            "organisation_type": "Type of organisation",
            "sector": "Sector",
            "size": "Number of employees",
            "district": "District",
            **COMMITMENT_LABELS,
            **SUPPLIER_LABELS,
        }
        widgets = RADIO_WIDGETS
        help_texts = {
            "sector": "The main thing your organisation does. Choose the closest.",
            **SUPPLIER_HELP,
        }
        error_messages = {
            "organisation_type": {"required": "Select the type of organisation."},
            "sector": {"required": "Select your organisation’s sector."},
            "size": {"required": "Select how many people your organisation employs."},
        }

    def __init__(self, *args, visitor="", **kwargs):
        """`visitor` is the visitor's CSRF secret, which the fill-time token is bound to."""
        super().__init__(*args, **kwargs)
        self.set_up_trap(visitor)
        self.kept_logo = None  # the name of the logo kept from an earlier try, once cleaned
        self.fields["sector"].choices = [("", "Select…"), *Sector.choices]
        # Derived from the postcode; asked only when that cannot be found (clean).
        self.fields["district"].required = False
        self.ask_the_pledge_questions()
        self.ask_what_it_supplies()
        fill_in(self.fields)
        self.fields["postcode"].widget.attrs["size"] = 10
        self.helper = in_page_form()
        self.helper.layout = Layout(
            Fieldset(
                "About your organisation",
                *[name for name in ABOUT[: ABOUT.index("logo")] if name != "district"],
                HTML('{% include "pledges/includes/kept_logo.html" %}'),
                "logo",
                "logo_ref",
                *ABOUT[ABOUT.index("logo") + 1 :],
            ),
            commitments_fieldset(),
            supplier_fieldset(),
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
            Submit("submit", "Continue", css_class="btn-lg"),
        )

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        return clean_logo(upload) if upload else None

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            self._keep_logo()

    def _keep_logo(self):
        """Keep the logo across tries of the form: a new one replaces the one kept, and
        "remove" drops it. What is kept goes back in the form, however the rest went."""
        kept = read_pending(self.data.get("logo_ref", ""), self.visitor)
        new = self.cleaned_data.get("logo")
        if self.data.get("logo_ref") and not kept and not new and "logo" not in self.errors:
            # Never a pledge sent on without the logo its signer chose, unawares.
            self.add_error(
                "logo", "We could not keep the logo you chose. Choose it again, or leave it out."
            )
        reference = self.data.get("logo_ref", "") if kept else ""
        if kept and (new or self.cleaned_data.get("remove_logo")):
            drop_pending(kept)
            kept, reference = None, ""
        if new:
            reference = keep_pending(new, self.visitor)
            kept = read_pending(reference, self.visitor)
        self.data = self.data.copy()
        self.data["logo_ref"] = reference
        self.data.pop("remove_logo", None)
        self.kept_logo = kept
        if kept:
            # On the bound field, which the page is drawn from (made while cleaning).
            field = self["logo"]
            field.label = "A different logo (optional)"
            field.help_text = "Only to replace the one above. " + field.help_text

    def kept_logo_url(self):
        return reverse("pledges:pending_logo", args=[self.data["logo_ref"]])

    def clean(self):
        super().clean()
        self.derive_district()
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
        fields["logo"] = pending_image(self.kept_logo) if self.kept_logo else None
        fields["privacy_notice_version"] = PRIVACY_NOTICE_VERSION
        fields["consented_at"] = timezone.now()
        return fields

    def save(self, commit=True):
        pledge = Pledge.submit(**self.pledge_fields())
        if self.kept_logo:
            drop_pending(self.kept_logo)  # the pledge has its own copy now
        return pledge

    # The check-your-answers page -------------------------------------------------

    def answers(self):
        """Each answer as the person will check it: the question, the answer as words,
        and where on the form to change it."""
        rows = []
        for name in ABOUT:
            if name == "logo":
                rows.append(("Logo", self.kept_logo and self.kept_logo_url(), "id_logo", "logo"))
                continue
            rows.append(self._answer(name))
        ticked = [
            self.fields[name].label for name in COMMITMENT_FIELDS if getattr(self.instance, name)
        ]
        rows.append(("Commitments", ticked, "commitments", "list"))
        supplied = cpv.labels(self.instance.categories)
        rows.append(("What you supply", supplied, "categories", "list"))
        rows.append(self._answer("supplies"))
        sells = [
            self.fields[name].label for name in SELLS_TO.values() if getattr(self.instance, name)
        ]
        rows.append(("Who you sell to", sells, "id_sells_to_public_sector", "list"))
        accredited = self.instance.living_wage_accredited
        rows.append(
            ("Living Wage Foundation accredited", "Yes" if accredited else "No",
             "id_living_wage_accredited", "text")
        )  # fmt: skip
        rows.extend(self._answer(name) for name in WHO)
        return rows

    def _answer(self, name):
        field, value = self.fields[name], getattr(self.instance, name)  # as it will be kept
        anchor = getattr(field, "error_anchor", f"id_{name}")
        if name == "district" and not self.asks_district:
            anchor = "id_postcode"  # found from the postcode: that is what to change
        if isinstance(field.widget, forms.RadioSelect):
            # Back to the choice made, which the browser focuses, not the group's first.
            chosen = (radio.id_for_label for radio in self[name] if radio.data["value"] == value)
            anchor = next(chosen, anchor)
        if name == "phone" and value:
            # Shown as a person in the UK writes it, though stored in international form.
            value = value.as_national
        elif getattr(field, "choices", None):
            value = dict(field.choices).get(value, value)
        return (field.label.removesuffix(" (optional)"), value or "", anchor, "text")

    def posted_back(self):
        """The answers as sent, to send again from the check-your-answers page: the form
        is checked afresh on the final submit, as if it came straight from the form."""
        skip = {"logo", "remove_logo", "confirm", "change", "csrfmiddlewaretoken"}
        read = getattr(self.data, "getlist", lambda name: [self.data.get(name, "")])
        return [
            (name, value)
            for name in self.fields
            if name not in skip
            for value in read(name)
            if value != ""
        ]


class EmailForm(PlainMessages, forms.Form):
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
        self.helper = in_page_form()


class ManageForm(
    PlainMessages, AsksThePledgeQuestions, AsksWhatItSupplies, DerivesTheDistrict, forms.ModelForm
):
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
    categories = categories_field()
    supplies = supplies_field()
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="Of your main site. We use it to find your district, which is shown on "
        "the signatory wall; we do not publish the postcode.",
    )
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
        labels = {"size": "Number of employees", **COMMITMENT_LABELS, **SUPPLIER_LABELS}
        help_texts = SUPPLIER_HELP
        widgets = RADIO_WIDGETS

    def __init__(self, *args, instance, **kwargs):
        # Found through the pledge as stored, which the comparison shows as it stands.
        self.proposed = instance.changes.filter(status=ProposedChange.Status.OPEN).first()
        instance = copy.copy(instance)
        if self.proposed:
            for field, value in self.proposed.values.items():
                setattr(instance, field, value)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["district"].required = False  # derived from the postcode (clean)
        if self.instance.is_public():
            self.fields["name"].help_text = "As shown on the signatory wall."
        else:
            self.fields["name"].help_text = PledgeForm.base_fields["name"].help_text
        if not self.instance.logo:
            del self.fields["remove_logo"]
            self.fields["new_logo"].label = "Logo (optional)"
            self.fields["new_logo"].help_text = PledgeForm.base_fields["logo"].help_text
        self.ask_the_pledge_questions()
        self.ask_what_it_supplies()
        fill_in(self.fields)
        public = (
            HTML(
                '<p class="form-text">Our team checks changes to what the public sees before '
                "they are shown. Until then, your entry stays as it is now.</p>"
            )
            if self.instance.is_public()
            else HTML("")
        )
        self.helper = in_page_form()
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
            commitments_fieldset(),
            supplier_fieldset(),
            Fieldset("Where your organisation is", "postcode"),
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

    def clean(self):
        super().clean()
        # The pledge as shown here (instance is changed only after clean): its district
        # stays unless its postcode changes.
        self.derive_district(before=self.instance)
        return self.cleaned_data

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


class CheckInForm(PlainMessages, AsksThePledgeQuestions, AsksWhatItSupplies, forms.ModelForm):
    """The yearly check-in: the organisation stands by its pledge, and may change what it
    commits to (a change is held for review, as any change to what the public sees).

    It works on a copy of the pledge, showing a change waiting for review as it was left.
    """

    stand_by = forms.BooleanField(
        error_messages={
            "required": "Tick the box to say that your organisation still stands by its "
            "pledge. If it no longer does, you can withdraw the pledge instead."
        },
    )

    categories = categories_field()
    supplies = supplies_field()

    class Meta:
        model = Pledge
        fields = [*COMMITMENT_FIELDS, *SUPPLIER_FIELDS]
        labels = {**COMMITMENT_LABELS, **SUPPLIER_LABELS}
        help_texts = SUPPLIER_HELP

    def __init__(self, *args, instance, **kwargs):
        self.proposed = instance.changes.filter(status=ProposedChange.Status.OPEN).first()
        waiting = self.proposed.values if self.proposed else {}
        instance = copy.copy(instance)
        for field in self._meta.fields:
            setattr(instance, field, waiting.get(field, getattr(instance, field)))
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["stand_by"].label = f"We, {instance.name}, still stand by our pledge"
        self.ask_the_pledge_questions()
        self.ask_what_it_supplies()
        self.helper = in_page_form()
        self.helper.layout = Layout(
            Fieldset("Do you still stand by your pledge?", "stand_by"),
            commitments_fieldset(),
            supplier_fieldset(),
        )

    def changed_commitments(self):
        """The whole public change to hold for review, or None when the commitments and
        what it supplies are as shown: a change already waiting keeps its other fields.
        The answers as the model's rules keep them (categories in order, the line tidied)."""
        asked = self._meta.fields
        if not any(name in self.changed_data for name in asked):
            return None
        waiting = self.proposed.values if self.proposed else {}
        return {**waiting, **{name: getattr(self.instance, name) for name in asked}}


# Words a name may spell either way: searching for one finds the other too.
SAME_WORDS = [{"ltd", "limited"}, {"centre", "center"}, {"organisation", "organization"}]


def search_words(text):
    """The words of a search worth looking for: a lone letter or sign (the "&" of "A & B
    Plumbing") would match nearly every name, and no index can find it."""
    return [word for word in text.split() if len(word) > 1]


def name_matches(word):
    """Names with this word in them, or its other spelling, or its singular: "bakeries"
    finds "Bacup Bakery" and "builders" finds "Colne Builder"."""
    return text_matches(word, "name")


def spellings(word):
    """The word, lower-cased, its other spelling and its singular."""
    forms = {word.lower()}
    for same in SAME_WORDS:
        if word.lower() in same:
            forms |= same
    for form in list(forms):
        if len(form) > 4 and form.endswith("ies"):
            forms.add(form[:-3] + "y")
        elif len(form) > 3 and form.endswith("s") and not form.endswith("ss"):
            forms.add(form[:-1])  # which also finds the plural: "builder" in "builders"
    return forms


def text_matches(word, *fields):
    """Any of the `fields` with this word in it, or its other spelling, or its singular.
    On PostgreSQL the trigram indexes answer it."""
    matches = Q()
    for field in fields:
        for form in sorted(spellings(word)):
            matches |= Q(**{f"{field}__icontains": form})
    return matches


class RememberedSelect(forms.Select):
    """A select drawn once for each value it shows, then remembered.

    The wall draws its six selects on every page that no cache holds, and Django draws
    each of their ninety options through a template of its own: about 6 ms a page.
    Only a known choice is remembered, so a made-up value cannot fill the memory.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple((str(key), str(label)) for key, label in self.choices)
        value = value if any(value == key for key, _ in choices) else None
        attrs = tuple(sorted(self.build_attrs(self.attrs, attrs).items()))
        return drawn_select(name, value, attrs, choices)


@functools.lru_cache(maxsize=512)
def drawn_select(name, value, attrs, choices):
    return forms.Select(dict(attrs), choices).render(name, value)


class QueryStringForm(forms.Form):
    """A page's view held in its query string (the wall, the supplier search), so that it
    can be shared: no address makes an error to show. Typed answers (`TEXT`) are tidied,
    without control characters and cut to their length (as the box allows no more); a
    choice the page does not offer is left out; a box is ticked by "1" (or "on")."""

    TEXT = ["q"]

    @classmethod
    def read(cls, data):
        read = {}
        for name, field in cls.base_fields.items():
            value = data.get(name, "")
            if name in cls.TEXT:
                text = "".join(char for char in value if unicodedata.category(char) != "Cc")
                read[name] = tidy(text)[: field.max_length].strip()
            elif isinstance(field, forms.BooleanField):
                if value in ("1", "on"):
                    read[name] = "1"
            elif value in {str(key) for key, _ in field.choices}:
                read[name] = value
        return read

    def value(self, name):
        return self.cleaned_data.get(name) or ""

    def query(self, **changes):
        """The query string of this view with some values changed, for links."""
        values = {name: self.value(name) for name in self.fields}
        values.update(changes)
        return urlencode({k: "1" if v is True else v for k, v in values.items() if v})

    def page_prefix(self):
        """The start of a page link's query string: this view's, then the page number."""
        query = self.query()
        return f"{query}&" if query else ""


class WallFilter(QueryStringForm):
    """The wall's query string: anything unknown or malformed is simply ignored."""

    SORTS = [("name", "A to Z"), ("newest", "Newest first")]

    q = forms.CharField(label="Search by name", required=False, max_length=100)
    district = forms.ChoiceField(
        widget=RememberedSelect,
        label="District",
        required=False,
        choices=[("", "All districts"), *District.choices],
    )
    sector = forms.ChoiceField(
        widget=RememberedSelect,
        label="Sector",
        required=False,
        choices=[("", "All sectors"), *Sector.choices],
    )
    type = forms.ChoiceField(
        widget=RememberedSelect,
        label="Type of organisation",
        required=False,
        choices=[("", "All types"), *OrganisationType.choices],
    )
    size = forms.ChoiceField(
        widget=RememberedSelect,
        label="Size",
        required=False,
        choices=[("", "All sizes"), *Size.choices],
    )
    commitment = forms.ChoiceField(
        widget=RememberedSelect,
        label="Commits to",
        required=False,
        choices=[("", "Any commitment"), *[(theme.slug, theme.commitment) for theme in THEMES]],
    )
    standing = forms.ChoiceField(
        widget=RememberedSelect,
        label="Standing",
        required=False,
        choices=[
            ("", "Current and due"),
            (Standing.CURRENT, "Current"),
            (Standing.DUE, "Check-in due"),
            (Standing.LAPSED, "Lapsed"),
        ],
    )
    sort = forms.ChoiceField(widget=RememberedSelect, label="Sort", required=False, choices=SORTS)

    def __init__(self, data):
        super().__init__(self.read(data))
        self.is_valid()  # always valid: read() keeps only what the wall can use
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["q"].widget.input_type = "search"

    def filter(self, pledges):
        # Listed pledges, public fields only: by default those approved (current or due),
        # as the counts and the map have them; a lapsed one only when asked for.
        if standing := self.value("standing"):
            pledges = pledges.filter(condition(standing)).only(*PUBLIC_FIELDS, "status")
        else:
            pledges = pledges.for_public_display()
        # Every word, anywhere in the name and in any order, so that "bakery bacup" and
        # "bac bak" both find "Bacup Bakery & Sons". On PostgreSQL a trigram index
        # answers each word (migration 0012); SQLite reads the table.
        for word in search_words(self.value("q")):
            pledges = pledges.filter(name_matches(word))
        for name, lookup in (("district", "district"), ("sector", "sector"),
                             ("type", "organisation_type"), ("size", "size")):  # fmt: skip
            if value := self.value(name):
                pledges = pledges.filter(**{lookup: value})
        if commitment := self.value("commitment"):
            pledges = pledges.filter(**{THEME[commitment].field: True})
        if self.value("sort") == "newest":
            return pledges.order_by("-approved_at", "-pk")
        return pledges.order_by("name", "pk")

    def summary(self):
        """What this view shows, in words: the search and each filter's choice."""
        shown = []
        if q := self.value("q"):
            shown.append(("Search", f"“{q}”"))
        for name in ("district", "sector", "type", "size", "commitment", "standing"):
            if value := self.value(name):
                field = self.fields[name]
                shown.append((field.label, dict(field.choices)[value]))
        return shown

    def is_filtered(self):
        return any(self.value(name) for name in self.fields if name != "sort")


class ReportForm(PlainMessages, CatchesBots, forms.ModelForm):
    """A concern about a listing: what is wrong, in the reporter's words, and an address
    for a reply if they want one. Bots are caught as on the sign-up form: a honeypot, and
    the signed time the form was shown."""

    reason = forms.ChoiceField(
        label="What is wrong with this listing?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what is wrong with this listing.",
            "invalid_choice": "Choose what is wrong with this listing.",
        },
    )
    details = TextField(
        label="Tell us more",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you know, and how. At most 2,000 characters. Only our team reads "
        "it: it is never published or passed on.",
        error_messages={"required": "Tell us what is wrong with this listing."},
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like a reply. Only our team sees it, and we erase it "
        "90 days after we have dealt with your report.",
        error_messages={
            "invalid": "Enter an email address in the right form, like name@example.org"
        },
    )
    leave_blank = forms.CharField(label="Leave this field empty", required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Report
        fields = ["reason", "details", "email"]

    def __init__(self, *args, visitor="", **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_trap(visitor)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = in_page_form()
        self.helper.layout = Layout(
            "reason",
            "details",
            "email",
            Div("leave_blank", css_class="trap", aria_hidden="true"),
            "started",
            Submit("submit", "Send your report"),
        )

    def save(self, pledge):
        return Report.receive(pledge, **{f: getattr(self.instance, f) for f in self._meta.fields})
