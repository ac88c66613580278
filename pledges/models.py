import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Replace, Upper
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.text import capfirst, slugify
from phonenumber_field.modelfields import PhoneNumberField

from backing_lancashire import freshness, postcodes
from backing_lancashire.postcodes import District
from pledges import categories as cpv
from pledges import tasks, validators
from pledges.status import ACTIVE, LISTED, MANAGEABLE, Status
from pledges.themes import COMMITMENT_FIELDS, THEME, THEMES
from pledges.wording import pledge_text


class OrganisationType(models.TextChoices):
    BUSINESS = "business", "Business"
    CHARITY = "charity", "Charity"
    SOCIAL_ENTERPRISE = "social-enterprise", "Social enterprise"
    PUBLIC_BODY = "public-body", "Public body"
    SCHOOL = "school", "School, college or university"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    """The sections of the UK Standard Industrial Classification (SIC 2007).

    The codes stay the SIC sections that the wall's filter and the open data are coded
    by; the labels are the words a small business uses of itself, and are the one public
    wording: the sign-up form, the wall, the signatory page, the admin and the open data
    all show these.
    """

    AGRICULTURE = "agriculture", "Farming, forestry or fishing"
    MINING = "mining", "Mining or quarrying"
    MANUFACTURING = "manufacturing", "Making things (manufacturing, food and drink production)"
    ENERGY = "energy", "Energy supply (electricity, gas, heating)"
    WATER = "water-and-waste", "Water, sewerage, waste or recycling"
    CONSTRUCTION = "construction", "Building and construction, including trades"
    RETAIL = "wholesale-and-retail", "Shops, wholesale, or car sales and repair"
    TRANSPORT = "transport", "Transport, delivery or storage"
    HOSPITALITY = "hospitality", "Hotels, pubs, cafés and restaurants"
    INFORMATION = "information", "IT, media, publishing or telecoms"
    FINANCE = "finance", "Banking, finance or insurance"
    REAL_ESTATE = "real-estate", "Property: letting, selling or managing"
    PROFESSIONAL = "professional", "Professional services (legal, accounting, design, consultancy)"
    ADMINISTRATIVE = "administrative", "Business support (cleaning, security, recruitment, hire)"
    PUBLIC_ADMINISTRATION = "public-administration", "Public service (council, police, government)"
    EDUCATION = "education", "Education and training"
    HEALTH = "health", "Health, care or social work"
    ARTS = "arts", "Arts, sport, leisure or entertainment"
    OTHER_SERVICES = "other-services", "Other services (hairdressing, repairs, membership bodies)"
    HOUSEHOLDS = "households", "Employing staff in a household"
    EXTRATERRITORIAL = "extraterritorial", "International organisation or embassy"


class Size(models.TextChoices):
    MICRO = "micro", "Micro (0–9 employees)"
    SMALL = "small", "Small (10–49 employees)"
    MEDIUM = "medium", "Medium (50–249 employees)"
    LARGE = "large", "Large (250 or more employees)"


# Small and medium-sized enterprises (SMEs): fewer than 250 employees.
SME = [Size.MICRO, Size.SMALL, Size.MEDIUM]
# The voluntary, community and social enterprise sector, as public buyers count it.
VCSE = [OrganisationType.CHARITY, OrganisationType.SOCIAL_ENTERPRISE]


# What an organisation may say it supplies, for buyers (the supplier search): all
# optional, and public once approved, as every other public field.
# Whom it sells to, each by its value in the supplier search's `sells` filter and the
# open data, and its field.
SELLS_TO = {
    "public-sector": "sells_to_public_sector",
    "businesses": "sells_to_businesses",
    "public": "sells_to_public",
}
SUPPLIER_FIELDS = ["categories", "supplies", *SELLS_TO.values(), "living_wage_accredited"]

# What the public may see of a pledge once it is approved: public pages, feeds and
# exports load these and nothing else, and the admin shows them as "Public details".
PUBLIC_FIELDS = [
    "name",
    "slug",
    "organisation_type",
    "sector",
    "size",
    "district",
    "website",
    "logo",
    "statement",
    *COMMITMENT_FIELDS,
    *SUPPLIER_FIELDS,
    "submitted_at",
    "approved_at",
    "affirmed_at",
    "lapsed_at",
]
# Who signed and how to reach them: erased when an organisation withdraws.
CONTACT_FIELDS = [
    "contact_name",
    "contact_role",
    "email",
    "phone",
    "postcode",
    "companies_house_number",
    "charity_number",
]
# What only staff may see: never in a public page, feed, export or log line.
PRIVATE_FIELDS = [
    *CONTACT_FIELDS,
    "authorised",
    "agreed_to_listing",
    "privacy_notice_version",
    "consented_at",
    "moderator_note",
    "rejection_reason",
]


class RejectionReason(models.TextChoices):
    NOT_REAL = "not-real", "Not a real organisation"
    NOT_LANCASHIRE = "not-lancashire", "Not connected to Lancashire"
    DUPLICATE = "duplicate", "A duplicate of another pledge"
    INAPPROPRIATE = "inappropriate", "Inappropriate content"
    OTHER = "other", "Another reason"


class ChangeRejectionReason(models.TextChoices):
    INAPPROPRIATE = "inappropriate", "Inappropriate content"
    MISLEADING = "misleading", "Misleading, or not about the organisation"
    WEBSITE = "website", "A website we cannot link to"
    OTHER = "other", "Another reason"


# How long an unverified pledge waits for its email to be confirmed.
UNVERIFIED_FOR = timedelta(days=7)

# What an organisation may change about its own pledge through the manage link (and its
# logo). Once the pledge is approved, a change to what the public sees waits for review
# (ProposedChange); a change to the contact details applies at once.
EDITABLE = [
    "name",
    "website",
    "statement",
    "size",
    *COMMITMENT_FIELDS,
    *SUPPLIER_FIELDS,
    # The district follows the postcode (pledges.forms.DerivesTheDistrict).
    "postcode",
    "district",
    "contact_name",
    "contact_role",
    "email",
    "phone",
]
# Where the supplier search measures distances from (Pledge.save keeps it): a public page
# may search by it, and never shows or loads it.
LOCATION_FIELDS = ["easting", "northing"]
# Erased when an organisation withdraws, and from old rejected or withdrawn pledges.
PERSONAL = [*CONTACT_FIELDS, "moderator_note"]


def field_labels(fields):
    return ", ".join(str(Pledge._meta.get_field(field).verbose_name) for field in fields)


class PledgeStateError(Exception):
    """A transition was asked of a pledge in a status it cannot start from."""

    def __init__(self, pledge, action):
        self.status = pledge.status
        self.action = action
        super().__init__(f"Cannot {action} a pledge that is {pledge.get_status_display()}.")


class DuplicatePledge(Exception):
    """The organisation already has an active pledge: another sign-up was confirmed first."""

    def __init__(self):
        super().__init__("The organisation has already signed the pledge.")


def already_signed(pledge, existing):
    """The one answer to "this organisation has signed already", beside the field that matched.

    It links to the entry only when the entry is public and was found by its name: a
    Companies House number, which the form promises not to publish, never leads to a
    page. `existing` is None when a race was lost to a pledge that has gone again.
    """
    same_number = (
        existing is not None
        and existing.companies_house_number
        and existing.companies_house_number == pledge.companies_house_number
        and existing.name.lower() != pledge.name.lower()
    )
    who = "An organisation with this Companies House number" if same_number else pledge.name
    if existing is not None and existing.is_public() and not same_number:
        message = format_html(
            '{} has already signed the pledge: <a href="{}">see its entry on the wall</a>.',
            existing.name,
            existing.get_absolute_url(),
        )
    elif existing is not None and existing.status == Status.PENDING:
        message = format_html(
            "{} has already signed the pledge, and it is awaiting review by our team.", who
        )
    else:
        message = format_html("{} has already signed the pledge.", who)
    field = "companies_house_number" if same_number else "name"
    return ValidationError({field: message}, code="duplicate")


DAY = timedelta(days=1)

# Who the public may see, as a condition: the queryset below and the wall's indexes.
PUBLIC = Q(status=Status.APPROVED)


class PledgeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(PUBLIC)

    def for_public_display(self):
        """Approved pledges with their public fields only: nothing private is even loaded."""
        return self.public().only(*PUBLIC_FIELDS, "status")

    def listed(self):
        """Approved and lapsed pledges, each with a page of its own, public fields only."""
        return self.filter(status__in=LISTED).only(*PUBLIC_FIELDS, "status")

    def active(self):
        return self.filter(status__in=ACTIVE)

    def manageable(self):
        return self.filter(status__in=MANAGEABLE)

    def matching(self, *, name, companies_house_number=""):
        """The pledges that stop this organisation signing again: its active ones.

        Names are compared with the database's own lower(), exactly as the unique
        index does, so the check and the constraint never disagree.
        """
        same = Q(lower_name=Lower(Value(name)))
        if companies_house_number:
            same |= Q(companies_house_number=companies_house_number)
        return self.active().alias(lower_name=Lower("name")).filter(same)

    def expired(self):
        """Unverified pledges whose link has run out: purged daily, and never in the way."""
        return self.filter(
            status=Status.UNVERIFIED, submitted_at__lt=timezone.now() - UNVERIFIED_FOR
        )

    def deletable(self):
        """The only pledges whose history the retention rules let go: unverified ones
        whose link has run out, which purge_pledges deletes. Every other pledge keeps
        its history (rejected and withdrawn ones lose their contact details, not that)."""
        return self.expired()

    def bulk_create(self, objs, *args, **kwargs):
        # Many at once (seed_signatories) send no signals: say so once for all of them.
        created = super().bulk_create(objs, *args, **kwargs)
        if any(pledge.is_public() for pledge in created):
            freshness.changed()
        return created


# The marks that part words, as a space does: a word of a name starts after a space
# or one of these ("Smith & Sons (Catering)", "Co-op", "“Bespoke” Joinery"). Each is a
# built-in replace() in both databases, so that either can keep the column; SQLite's
# parser takes no more of them nested.
MARKS = "-–—&/(),.'’‘\"“”+:;!?[]…*"


def spaced(text):
    """`text` (a string, or a database expression) with each of MARKS made a space."""
    for mark in MARKS:
        if isinstance(text, str):
            text = text.replace(mark, " ")
        else:
            text = Replace(text, Value(mark), Value(" "))
    return text


class CodeField(models.CharField):
    """A code in one fixed form (a postcode, a registered number). Its format validator
    says all there is to say, and the form it asks for fits the column: a length limit
    would only add a second message about the same mistake."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]


class CodesField(models.JSONField):
    """A list of codes (the CPV divisions a pledge supplies), found with `includes`: kept
    in order and each once, however it is saved (a form, the admin, an update, a bulk
    create), so that the same choice is always the same value."""

    def get_prep_value(self, value):
        if isinstance(value, list | tuple) and all(isinstance(code, str) for code in value):
            value = sorted(set(value))
        return super().get_prep_value(value)


@CodesField.register_lookup
class Includes(models.Lookup):
    """Lists holding any of the codes given: `categories__includes=["55000000"]`.

    On PostgreSQL, jsonb's `?|`, which a GIN index answers (migration 0019); elsewhere,
    SQLite's json_each.
    """

    lookup_name = "includes"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        codes = list(self.rhs)
        if not codes:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(codes))
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({marks}))"  # noqa: S608
        return sql, [*params, *codes]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} ?| %s::text[]", [*params, list(self.rhs)]


# Claims a buyer may rely on, which an organisation may take back at once: the public
# entry stops making them without waiting for review.
RETRACTABLE = ["living_wage_accredited"]


def retracts(pledge, field, value):
    """Whether this change takes back a claim the pledge makes now."""
    return field in RETRACTABLE and value is False and getattr(pledge, field) is True


def sells_to(field):
    """Whom one of the SELLS_TO fields is about, in words: "the public sector"."""
    return Pledge._meta.get_field(field).verbose_name.removeprefix("sells to ")


def locate(postcode):
    """Where a pledge with this postcode is, for distances: the centre of its postcode
    sector (postcodes.centre); None for a postcode the directory does not have."""
    place = postcodes.find(postcode) if postcode else None
    return postcodes.centre(place) if place else None


def relocate(pledges):
    """Place each of these pledges again, from its postcode and the postcode directory as
    it is now: after the directory is loaded again. Returns how many moved."""
    centres, moved = {}, []
    for pledge in pledges.exclude(postcode="").only("postcode", "easting", "northing", "status"):
        if pledge.postcode not in centres:
            centres[pledge.postcode] = locate(pledge.postcode) or (None, None)
        if (pledge.easting, pledge.northing) != centres[pledge.postcode]:
            pledge.easting, pledge.northing = centres[pledge.postcode]
            moved.append(pledge)
    Pledge.objects.bulk_update(moved, LOCATION_FIELDS, batch_size=2000)
    if any(pledge.is_public() for pledge in moved):
        freshness.changed()  # a bulk update sends no signals
    return len(moved)


def logo_path(pledge, filename):
    # A random name: the uploaded name is the visitor's input and says nothing we need.
    return f"logos/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Pledge(models.Model):
    Status = Status
    ACTIVE = ACTIVE
    MANAGEABLE = MANAGEABLE
    LISTED = LISTED

    # Public once approved.
    name = models.CharField(
        "organisation name",
        max_length=200,
        validators=[
            validators.has_words,
            validators.no_control_characters,
            validators.no_contact_details,
        ],
    )
    slug = models.SlugField(max_length=220, unique=True, editable=False)
    organisation_type = models.CharField(
        "type of organisation", max_length=32, choices=OrganisationType.choices
    )
    sector = models.CharField(max_length=32, choices=Sector.choices)
    size = models.CharField("number of employees", max_length=16, choices=Size.choices)
    district = models.CharField(max_length=32, choices=District.choices)
    website = models.URLField(
        max_length=300,
        blank=True,
        validators=[validators.website, validators.no_control_characters],
    )
    logo = models.ImageField(upload_to=logo_path, blank=True)
    statement = models.TextField(
        "why your organisation is backing Lancashire",
        max_length=500,
        blank=True,
        # A TextField's max_length is not checked by itself.
        validators=[MaxLengthValidator(500), validators.no_control_characters],
    )
    commits_local_spend = models.BooleanField(THEME["local-spend"].verbose_name, default=False)
    commits_living_wage = models.BooleanField(THEME["living-wage"].verbose_name, default=False)
    commits_jobs = models.BooleanField(THEME["jobs"].verbose_name, default=False)
    commits_volunteering = models.BooleanField(THEME["volunteering"].verbose_name, default=False)
    commits_environment = models.BooleanField(THEME["environment"].verbose_name, default=False)
    # What it supplies, for buyers (SUPPLIER_FIELDS).
    categories = CodesField(
        "what it supplies", default=list, blank=True, validators=[validators.categories]
    )
    supplies = models.CharField(
        "its goods and services",
        max_length=150,
        blank=True,
        validators=[validators.no_control_characters],
    )
    # The name and description in one, upper-cased, each mark a space and a space before
    # each, for the supplier search's words (suppliers.word_starts): kept by the database,
    # whichever path saves them. A line apart, which no search word holds, so that none
    # spans the two. In pairs of pairs: SQLite's parser takes only so much nesting, and
    # Concat nests each part it is given inside the next.
    words = models.GeneratedField(
        expression=spaced(
            Upper(Concat(Concat(Value(" "), "name"), Concat(Value(" \n "), "supplies")))
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    sells_to_public_sector = models.BooleanField("sells to the public sector", default=False)
    sells_to_businesses = models.BooleanField("sells to businesses", default=False)
    sells_to_public = models.BooleanField("sells to the public", default=False)
    living_wage_accredited = models.BooleanField(
        "an accredited Living Wage employer",
        default=False,
        help_text="Accredited by the Living Wage Foundation: check its list of accredited "
        "employers before approving.",
    )

    # Private: staff only, never in a public page, feed, export or log line.
    # Blank only once erased: the sign-up form requires them.
    contact_name = models.CharField(
        max_length=100,
        blank=True,
        validators=[
            validators.has_words,
            validators.no_control_characters,
            validators.no_contact_details,
        ],
    )
    contact_role = models.CharField(
        "job title",
        max_length=100,
        blank=True,
        validators=[
            validators.has_words,
            validators.no_control_characters,
            validators.no_contact_details,
        ],
    )
    email = models.EmailField(
        "email address",
        max_length=254,
        blank=True,
        validators=[validators.no_control_characters],
    )
    phone = PhoneNumberField(
        "phone number", blank=True, region="GB", validators=[validators.uk_phone]
    )
    postcode = CodeField(max_length=8, blank=True, validators=[validators.postcode])
    companies_house_number = CodeField(
        max_length=8, blank=True, validators=[validators.companies_house_number]
    )
    charity_number = CodeField(max_length=12, blank=True, validators=[validators.charity_number])
    # Where buyers' distances to it are measured from: the centre of its postcode's sector
    # (postcodes.centre), kept with the postcode by save(). Never shown: only a distance
    # to it, to the nearest mile.
    easting = models.PositiveIntegerField(null=True, blank=True, editable=False)
    northing = models.PositiveIntegerField(null=True, blank=True, editable=False)
    authorised = models.BooleanField("authorised to sign", default=False)
    agreed_to_listing = models.BooleanField("agreed to public listing", default=False)
    privacy_notice_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    moderator_note = models.TextField(
        blank=True, help_text="Private to staff: never shown to the organisation or the public."
    )
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UNVERIFIED, db_index=True
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # When the organisation last stood by its pledge: its approval, then each yearly
    # check-in (pledges.checkins says what falls due when).
    affirmed_at = models.DateTimeField("last affirmed", null=True, blank=True)
    # The check-in reminders sent since then (0, 1 or 2): each is sent once, however often
    # run_checkins runs, and a check-in starts the count again.
    checkin_reminders = models.PositiveSmallIntegerField(default=0, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)  # sent
    reminder_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField("personal data erased", null=True, blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("export_pledges", "Can export pledges with contact details")]
        constraints = [
            # One active pledge per organisation, enforced by the database so that
            # two simultaneous submissions cannot both succeed.
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(status__in=ACTIVE),
                name="one_active_pledge_per_name",
            ),
            models.UniqueConstraint(
                "companies_house_number",
                condition=Q(status__in=ACTIVE) & ~Q(companies_house_number=""),
                name="one_active_pledge_per_company",
            ),
        ]
        # The wall reads approved pledges only, by each filter and in each order: small
        # partial indexes let the database go straight to one page of them. Searching
        # by name has a trigram index too, on PostgreSQL only (migration 0012).
        indexes = [
            models.Index(fields=["name", "id"], condition=PUBLIC, name="pledge_pub_name"),
            models.Index(
                fields=["-approved_at", "-id"], condition=PUBLIC, name="pledge_pub_newest"
            ),
            *[
                models.Index(
                    fields=[field, "name", "id"], condition=PUBLIC, name=f"pledge_pub_{key}"
                )
                for key, field in [
                    ("district", "district"),
                    ("sector", "sector"),
                    ("type", "organisation_type"),
                    ("size", "size"),
                ]
            ],
            *[
                models.Index(
                    fields=["name", "id"],
                    condition=PUBLIC & Q(**{field: True}),
                    name=f"pledge_pub_{field.removeprefix('commits_')}",
                )
                for field in COMMITMENT_FIELDS
            ],
            # The supplier search's bounding box, and the signatories of a place.
            models.Index(fields=["easting", "northing"], condition=PUBLIC, name="pledge_pub_grid"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # Where buyers' distances are measured from follows the postcode on every path
        # that changes it: the forms, the manage link, the admin, erasure.
        moved = "postcode" in self.__dict__ and self.postcode != self.__dict__.get("_located")
        if moved and (update_fields is None or "postcode" in update_fields):
            self.easting, self.northing = locate(self.postcode) or (None, None)
            if update_fields is not None:
                update_fields = {*update_fields, "easting", "northing"}
        super().save(*args, update_fields=update_fields, **kwargs)
        if "postcode" in self.__dict__ and (update_fields is None or "postcode" in update_fields):
            self._located = self.postcode

    def get_absolute_url(self):
        return reverse("pledges:detail", args=[self.slug])

    def get_badge_url(self):
        return reverse("pledges:badge", args=[self.slug])

    def can_delete(self):
        return Pledge.objects.deletable().filter(pk=self.pk).exists()

    def is_public(self):
        return self.status == Status.APPROVED

    @property
    def wording(self):
        return pledge_text(self.name)

    @property
    def themes(self):
        """The themes the organisation commits to."""
        return [theme for theme in THEMES if getattr(self, theme.field)]

    @property
    def rejection_note(self):
        """What the moderator wrote to the organisation beside the reason, if anything."""
        note = self.events.filter(action=PledgeEvent.Action.REJECTED).values_list("note", flat=True)
        reason = self.get_rejection_reason_display() + "."
        return (note.last() or "").removeprefix(reason).strip()

    # Rules ------------------------------------------------------------------

    def clean_fields(self, exclude=None):
        # Each answer in its one form first, so that the validators see what is stored.
        for field, normalise in validators.NORMALISE.items():
            value = getattr(self, field)
            if value and isinstance(value, str) and field not in (exclude or ()):
                setattr(self, field, normalise(value))
        # In order and each once, as CodesField stores them, so that a form sent back
        # unchanged is unchanged. Not loaded, or not asked: left alone.
        codes = self.__dict__.get("categories")
        asked = "categories" not in (exclude or ()) and isinstance(codes, list | tuple)
        if asked and all(isinstance(code, str) for code in codes):
            self.categories = sorted(set(codes))
        super().clean_fields(exclude)

    def clean(self):
        if not any(getattr(self, field) for field in COMMITMENT_FIELDS):
            raise ValidationError(
                {COMMITMENT_FIELDS[0]: "Tick at least one of the five commitments."},
                code="no_commitment",
            )

    def validate_unique(self, exclude=None):
        """Django's checks, and one active pledge per organisation.

        That rule is the database's (the constraints in Meta), and Pledge.verify answers
        its refusal; checking here, through the same query, says so beside the field
        before anything is saved. A new sign-up is checked against the active pledges
        though it holds no place itself until it is confirmed.
        """
        exclude = set(exclude or ())
        errors = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "name" not in exclude and self.status in [Status.UNVERIFIED, *ACTIVE]:
            existing = self.rival(by_number="companies_house_number" not in exclude)
            if existing:
                errors = already_signed(self, existing).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # The one-active-pledge constraints are checked by validate_unique, with a
        # message that says what to do next.
        super().validate_constraints({*(exclude or ()), "name", "companies_house_number"})

    def shown(self, field):
        """A field's value as people read it: choices by their label, ticks as Yes or No."""
        value = getattr(self, field)
        if field == "categories":
            return "; ".join(cpv.labels(value)) or "None given"  # labels hold commas
        if self._meta.get_field(field).choices:
            return getattr(self, f"get_{field}_display")()
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return value

    @property
    def supplied(self):
        """The categories it supplies, each with its code and label."""
        return [cpv.CATEGORY[code] for code in self.categories if code in cpv.CATEGORY]

    @property
    def sells_to(self):
        """Whom it sells to, in words: ["the public sector", "the public"]."""
        return [sells_to(field) for field in SELLS_TO.values() if getattr(self, field)]

    @property
    def is_sme(self):
        """A small or medium-sized enterprise: fewer than 250 employees."""
        return self.size in SME

    @property
    def is_vcse(self):
        """A voluntary, community or social enterprise organisation."""
        return self.organisation_type in VCSE

    @property
    def monogram(self):
        """Initials for a signatory without a logo, and one of eight colours to show them in."""
        words = [word for word in self.name.split() if word[0].isalnum()]
        letters = "".join(word[0] for word in words[:2]).upper() or "?"
        return letters, sum(map(ord, self.name)) % 8

    # Creation -------------------------------------------------------------

    @classmethod
    def submit(cls, **fields):
        """Save a new, unverified pledge, record it and queue its confirmation email.

        An unconfirmed pledge holds no place (see ACTIVE), so only its slug can clash.
        """
        logo = fields.pop("logo", None)
        pledge = cls(**fields)
        base = slugify(pledge.name)[:200] or "organisation"
        for attempt in range(1, 12):
            # A few tidy slugs first (acme, acme-2, ...), then random ones, which cannot run out.
            pledge.slug = (
                base
                if attempt == 1
                else f"{base}-{attempt if attempt < 6 else secrets.token_hex(3)}"
            )
            if logo:
                pledge.logo = logo
            try:
                with transaction.atomic():
                    pledge.save()
                    pledge.events.create(
                        action=PledgeEvent.Action.SUBMITTED, to_status=pledge.status
                    )
                    tasks.queue("verify", pledge)
                    return pledge
            except Exception as error:
                # The logo was written before the save failed: leave nothing behind.
                if pledge.logo:
                    pledge.logo.delete(save=False)
                if not isinstance(error, IntegrityError):
                    raise
                pledge.pk = None
                pledge._state.adding = True
            if not cls.objects.filter(slug=pledge.slug).exists():
                raise IntegrityError(f"Pledge {pledge.name!r} refused, with its slug free")
        raise IntegrityError(f"No free slug for {base!r}")

    # Transitions ----------------------------------------------------------

    def _move(
        self, action, to, *, allowed_from, by=None, note="", stamp=None, email=None, **changes
    ):
        with transaction.atomic():
            # Lock the row so that two moderators, or a double click, cannot both move it.
            current = Pledge.objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed_from:
                self.status = current.status
                raise PledgeStateError(current, action.label.lower())
            self.events.create(
                action=action, from_status=current.status, to_status=to, actor=by, note=note
            )
            changes["status"] = to
            if stamp:
                changes[stamp] = timezone.now()
            for field, value in changes.items():
                setattr(current, field, value)
            current.save(update_fields=list(changes))
            for field, value in changes.items():
                setattr(self, field, value)
            if email:
                tasks.queue(email, self)

    def verify(self):
        """Confirm the address; the organisation's place goes to the first confirmed.

        Raises DuplicatePledge, with the pledge that holds the place, if another
        sign-up for the organisation was confirmed first (the database's constraint).
        """
        try:
            self._move(
                PledgeEvent.Action.VERIFIED,
                self.Status.PENDING,
                allowed_from=[self.Status.UNVERIFIED],
                stamp="verified_at",
                email="moderators",
            )
        except IntegrityError:
            raise DuplicatePledge() from None

    def rival(self, *, by_number=True):
        """The active pledge of the same organisation that stops this one, if any."""
        number = self.companies_house_number if by_number else ""
        return (
            Pledge.objects.matching(name=self.name, companies_house_number=number)
            .exclude(pk=self.pk)
            .first()
        )

    def approve(self, *, by):
        self._move(
            PledgeEvent.Action.APPROVED,
            self.Status.APPROVED,
            allowed_from=[self.Status.PENDING],
            by=by,
            email="approved",
            approved_at=(now := timezone.now()),
            affirmed_at=now,  # the first affirmation
            checkin_reminders=0,
        )

    def reject(self, *, by, reason, note=""):
        self._move(
            PledgeEvent.Action.REJECTED,
            self.Status.REJECTED,
            allowed_from=[self.Status.PENDING],
            by=by,
            note=" ".join(filter(None, [RejectionReason(reason).label + ".", note])),
            stamp="rejected_at",
            email="rejected",
            rejection_reason=reason,
        )

    def withdraw(self, *, by=None, note=""):
        """Withdraw the pledge; `by` is the staff member, or None for the organisation.

        An organisation that withdraws wants to be forgotten: its contact details go
        at once. Staff may still need them, so theirs wait for purge_pledges.
        """
        with transaction.atomic():
            self._move(
                PledgeEvent.Action.WITHDRAWN,
                self.Status.WITHDRAWN,
                allowed_from=MANAGEABLE,
                by=by,
                note=note,
                stamp="withdrawn_at",
            )
            for change in self.changes.filter(status=ProposedChange.Status.OPEN):
                change.close(ProposedChange.Status.WITHDRAWN, by=by)
            if by is None:
                # Confirmed to the address about to be erased, so it is named now.
                tasks.queue("withdrawn", self, to=self.email)
                self.erase_personal_data()

    def check_in(self):
        """The organisation stands by its pledge for another year, through its link.

        A lapsed pledge is listed again at once, and moderators are told. Checking in
        again within a day (a second click, a reload) changes nothing: answers False.
        """
        with transaction.atomic():
            row = Pledge.objects.select_for_update().only("status", "affirmed_at")
            row = row.get(pk=self.pk)
            recent = row.affirmed_at and row.affirmed_at > timezone.now() - DAY
            if row.status == self.Status.APPROVED and recent:
                return False
            self._move(
                PledgeEvent.Action.AFFIRMED,
                self.Status.APPROVED,
                allowed_from=LISTED,
                stamp="affirmed_at",
                email="relisted" if row.status == self.Status.LAPSED else None,
                checkin_reminders=0,
                reminded_at=None,
                lapsed_at=None,
            )
        return True

    def update_details(self, changes, *, by=None):
        """Apply the organisation's own changes, through its manage link.

        The contact details change at once. So does everything while the pledge waits for
        its first review; once it is approved, a change to what the public sees is held as
        a proposed change for a moderator to decide, and the approved version stays public.
        Returns the fields changed at once, and the proposed change (or None).
        """
        row, changes = None, dict(changes)
        try:
            with transaction.atomic():
                row = Pledge.objects.select_for_update().get(pk=self.pk)
                if row.status not in MANAGEABLE:
                    raise PledgeStateError(row, "update")
                held = row.status in LISTED
                # A new address takes effect once its owner opens the link sent there.
                address = changes.pop("email", row.email)
                asked = address.lower() != row.email.lower()
                if asked:
                    row.ask_to_change_email(address, by=by)
                now = {
                    f: v
                    for f, v in changes.items()
                    if not (held and f in PUBLIC_FIELDS) or retracts(row, f, v)
                }
                applied = row._apply(now, by=by)
                proposed = None
                if held:
                    public = {
                        f: v
                        for f, v in changes.items()
                        if f in PUBLIC_FIELDS and not retracts(row, f, v)
                    }
                    proposed = ProposedChange.propose(row, public)
        except Exception:
            # A new logo was written before the save failed: leave nothing behind.
            if row is not None and row.logo.name and row.logo.name != self.logo.name:
                row.logo.storage.delete(row.logo.name)
            raise
        self.refresh_from_db()
        return applied, proposed, asked

    def ask_to_change_email(self, address, *, by=None):
        """Send a link to `address` that makes it the contact's, and tell the address now.

        Until the link is opened nothing changes: a manage link alone cannot hand the
        pledge, or its emails, to an address nobody has shown they can read.
        """
        self.events.create(
            action=PledgeEvent.Action.UPDATED,
            from_status=self.status,
            to_status=self.status,
            actor=by,
            note="Asked to change the email address; a link went to the new address.",
        )
        tasks.queue("new_email", self, to=address)
        tasks.queue("email_changing", self)

    def change_email(self, address):
        """The new address's owner opened the link: it is the contact's address now."""
        with transaction.atomic():
            row = Pledge.objects.select_for_update().get(pk=self.pk)
            if row.status not in MANAGEABLE:
                raise PledgeStateError(row, "update")
            row._apply({"email": address}, note="Confirmed by the new address's owner")
        self.refresh_from_db()

    def _apply(self, changes, *, by=None, note="Changed"):
        """Save the changes that differ on this (locked) row and record them."""
        changed = {
            field: value for field, value in changes.items() if getattr(self, field) != value
        }
        if not changed:
            return []
        for field, value in changed.items():
            setattr(self, field, value)
        self.save(update_fields=list(changed))
        self.events.create(
            action=PledgeEvent.Action.UPDATED,
            from_status=self.status,
            to_status=self.status,
            actor=by,
            note=f"{note}: {field_labels(changed)}.",
        )
        return list(changed)

    def erase_personal_data(self):
        """Blank the contact's details, keeping what the audit trail needs.

        The logo goes too: no longer shown anywhere, so not kept either.
        """
        with transaction.atomic():
            tasks.hand_on(self)  # while its address is still known
            for field in PERSONAL:
                setattr(self, field, "")
            self.logo = ""
            self.erased_at = timezone.now()
            self.save(update_fields=[*PERSONAL, "logo", "erased_at"])
            self.events.create(
                action=PledgeEvent.Action.ERASED, from_status=self.status, to_status=self.status
            )

    def record_email_failure(self, note, *, unless_since=None):
        """Shown to moderators in the pledge's history, so that they can make contact.

        With `unless_since`, not again if the same note was recorded since then: requests
        that anyone can repeat must not fill the history.
        """
        action = PledgeEvent.Action.EMAIL_FAILED
        recorded = self.events.filter(action=action, note=note)
        if unless_since and recorded.filter(at__gte=unless_since).exists():
            return
        self.events.create(
            action=action,
            from_status=self.status,
            to_status=self.status,
            note=note,
        )

    # What was stored, so that a save can tell what it changed -----------------------

    @classmethod
    def from_db(cls, db, field_names, values):
        pledge = super().from_db(db, field_names, values)
        pledge._stored = pledge._public_state()
        if "postcode" in pledge.__dict__:
            pledge._located = pledge.postcode
        return pledge

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        fresh = self._public_state()
        if fields is not None:
            fresh = {field: value for field, value in fresh.items() if field in fields}
        self._stored = {**getattr(self, "_stored", {}), **fresh}
        if "postcode" in self.__dict__ and (fields is None or "postcode" in fields):
            self._located = self.postcode

    def _public_state(self):
        """The status, the public fields and the place distances are measured from, as they
        stand (those loaded, for a partial load): what the public pages show."""
        loaded = self.__dict__
        shown = ["status", *PUBLIC_FIELDS, *LOCATION_FIELDS]
        state = {field: getattr(self, field) for field in shown if field in loaded}
        if "logo" in state:
            state["logo"] = state["logo"].name or ""
        return state


class PledgeEvent(models.Model):
    """One step in a pledge's history, for the audit trail in the admin."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submit"
        VERIFIED = "verified", "Verify"
        APPROVED = "approved", "Approve"
        REJECTED = "rejected", "Reject"
        WITHDRAWN = "withdrawn", "Withdraw"
        UPDATED = "updated", "Update"
        ERASED = "erased", "Erase personal data"
        EMAIL_FAILED = "email_failed", "Email not sent"
        CHANGE_PROPOSED = "change_proposed", "Propose a change"
        CHANGE_APPROVED = "change_approved", "Approve the change"
        CHANGE_REJECTED = "change_rejected", "Reject the change"
        CHANGE_WITHDRAWN = "change_withdrawn", "Withdraw the change"
        REMINDED = "reminded", "Remind to check in"
        AFFIRMED = "affirmed", "Check in"
        LAPSED = "lapsed", "Lapse"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Pledge.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Pledge.Status.choices)
    # Empty when the organisation itself acted (through an emailed link).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_label}"

    @property
    def actor_label(self):
        if self.actor:
            return str(self.actor)
        if self.action in {"reminded", "lapsed"}:
            return "the yearly check-in (run_checkins)"
        # A decision's actor is empty only once their account has been deleted.
        staff_only = {"approved", "rejected", "change_approved", "change_rejected"}
        return "a former member of staff" if self.action in staff_only else "the organisation"


class ChangeRevised(Exception):
    """The organisation revised a change after the moderator opened it."""


class ProposedChange(models.Model):
    """An approved organisation's change to what the public sees, held for review.

    The approved version stays public until a moderator approves the change; a pledge
    has at most one open change, which the organisation may revise or withdraw.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="changes")
    # The proposed value of each public field that would change (the logo aside).
    values = models.JSONField(default=dict, blank=True)
    # Once approved, what was public before (the pledge itself has moved on).
    before = models.JSONField(default=dict, blank=True)
    logo = models.ImageField("new logo", upload_to=logo_path, blank=True)
    remove_logo = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=20, choices=ChangeRejectionReason.choices, blank=True)
    note = models.TextField("note to the organisation", blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = "change to an approved entry"
        verbose_name_plural = "changes to approved entries"
        constraints = [
            models.UniqueConstraint(
                "pledge", condition=Q(status="open"), name="one_open_change_per_pledge"
            )
        ]

    def __str__(self):
        return f"Change to {self.pledge.name}"

    @property
    def fields(self):
        """The public fields this change would change, in the order the admin shows them."""
        logo = ["logo"] if self.logo or self.remove_logo else []
        return [field for field in PUBLIC_FIELDS if field in self.values] + logo

    def comparison(self, logo_urls=("", "")):
        """(label, now, proposed, is_image) for each field that would change, for people to
        read. A logo is shown by its address, `logo_urls` (now, proposed): the public
        address serves only approved pledges' logos, so each page gives its own."""
        rows = []
        for field in self.fields:
            label = capfirst(Pledge._meta.get_field(field).verbose_name)
            if field == "logo":
                now, new = logo_urls
                rows.append(
                    (label, now if self.pledge.logo else "", new if self.logo else "", True)
                )
                continue
            was = Pledge(**{field: self.before[field]}) if field in self.before else self.pledge
            proposed = Pledge(**{field: self.values[field]})
            rows.append((label, was.shown(field), proposed.shown(field), False))
        return rows

    @classmethod
    def propose(cls, pledge, public):
        """Hold `public` (field: value, a logo upload or "" to remove it) for review.

        Only what differs from the approved version is kept. An open change is revised,
        or withdrawn if the organisation has put everything back. Called with the
        pledge's row locked.
        """
        open_change = pledge.changes.filter(status=cls.Status.OPEN).first()
        change = open_change or cls(pledge=pledge)
        values = {
            field: value
            for field, value in public.items()
            if field != "logo" and getattr(pledge, field) != value
        }
        logo, remove = change.logo, change.remove_logo
        if "logo" in public:
            new = public["logo"]
            logo, remove = (new, False) if new else ("", bool(pledge.logo))
        if (
            open_change
            and values == open_change.values
            and (logo, remove)
            == (
                open_change.logo,
                open_change.remove_logo,
            )
        ):
            return open_change  # sent again as it was
        if not values and not logo and not remove:
            if open_change:
                open_change.close(cls.Status.WITHDRAWN)
            return None
        replaced = change.logo.name if change.logo and logo != change.logo else ""
        change.values, change.logo, change.remove_logo = values, logo, remove
        change.proposed_at = timezone.now()
        try:
            change.save()
        except Exception:
            if change.logo and change.logo.name != replaced:
                change.logo.storage.delete(change.logo.name)
            raise
        if replaced:
            delete_logo(replaced)
        # Moderators are told of a new change, at most once a day for a pledge: a
        # revision, or a change withdrawn and sent again, shows in the admin's queue.
        told = pledge.events.filter(
            action=PledgeEvent.Action.CHANGE_PROPOSED, at__gt=timezone.now() - timedelta(days=1)
        ).exists()
        pledge.events.create(
            action=PledgeEvent.Action.CHANGE_PROPOSED,
            from_status=pledge.status,
            to_status=pledge.status,
            note=f"Proposed: {field_labels(change.fields)}. Waiting for review.",
        )
        if not told:
            tasks.queue("change", pledge)
        return change

    @property
    def revision(self):
        """Which version of the change this is: it is revised in place until decided."""
        return self.proposed_at.isoformat()

    def approve(self, *, by, seen):
        """Make public the revision the moderator saw (`seen`, its `revision`).

        Raises ChangeRevised if the organisation has revised it since, and ValidationError
        if its name has been taken since.
        """
        with transaction.atomic():
            pledge = self._locked(seen)
            # What was public, kept for the record: the pledge itself moves on.
            self.before = {field: getattr(pledge, field) for field in self.values}
            if self.logo or self.remove_logo:
                self.before["logo"] = pledge.logo.name
            for field, value in self.values.items():
                setattr(pledge, field, value)
            if self.logo or self.remove_logo:
                pledge.logo = self.logo.name if self.logo else ""
            # The rules again, for what changes: a name may have been taken since.
            unchanged = [f.name for f in Pledge._meta.fields if f.name not in self.values]
            pledge.full_clean(exclude=unchanged)
            try:
                pledge.save(update_fields=self.fields)
            except IntegrityError:
                raise already_signed(pledge, None) from None
            self._decide(
                self.Status.APPROVED, by, PledgeEvent.Action.CHANGE_APPROVED, fields=["before"]
            )
            tasks.queue("change_approved", pledge, change=self.pk)

    def reject(self, *, by, reason, note="", seen):
        with transaction.atomic():
            pledge = self._locked(seen)
            self.reason, self.note = reason, note
            self._decide(
                self.Status.REJECTED,
                by,
                PledgeEvent.Action.CHANGE_REJECTED,
                " ".join(filter(None, [ChangeRejectionReason(reason).label + ".", note])),
                fields=["reason", "note"],
            )
            self._drop_logo()
            tasks.queue("change_rejected", pledge, change=self.pk)

    def close(self, status, *, by=None):
        """Withdraw the change (the organisation, or its pledge closing): nothing public moves."""
        with transaction.atomic():
            current = ProposedChange.objects.select_for_update().get(pk=self.pk)
            if current.status != self.Status.OPEN:
                self.status = current.status
                raise PledgeStateError(self.pledge, "withdraw a change to")
            self._decide(status, by, PledgeEvent.Action.CHANGE_WITHDRAWN)
            self._drop_logo()

    def _locked(self, seen):
        """The pledge, locked, once the change is known to be open, the pledge public, and
        the change still the revision `seen`; this object then holds that revision."""
        pledge = Pledge.objects.select_for_update().get(pk=self.pledge_id)
        current = ProposedChange.objects.select_for_update().get(pk=self.pk)
        if current.status != self.Status.OPEN or pledge.status not in LISTED:
            self.status = current.status
            raise PledgeStateError(pledge, "decide on a change to")
        if current.revision != seen:
            raise ChangeRevised()
        self.values, self.logo, self.remove_logo = current.values, current.logo, current.remove_logo
        return pledge

    def _decide(self, status, by, action, note="", fields=()):
        self.status, self.decided_at, self.decided_by = status, timezone.now(), by
        self.save(update_fields=["status", "decided_at", "decided_by", *fields])
        self.pledge.events.create(
            action=action,
            from_status=self.pledge.status,
            to_status=self.pledge.status,
            actor=by,
            note=note or f"{field_labels(self.fields)}.",
        )

    def _drop_logo(self):
        # A logo that never went public is not kept.
        if self.logo:
            delete_logo(self.logo.name)
            ProposedChange.objects.filter(pk=self.pk).update(logo="")


@receiver(post_save, sender=Pledge)
def saved(sender, instance, **kwargs):
    """Every save, whoever makes it (a transition, the admin, a command), keeps two rules:
    public pages renew when what they show changed, and a replaced logo's file goes."""
    before, after = getattr(instance, "_stored", {}), instance._public_state()
    instance._stored = after
    # Listed pledges have pages of their own, lapsed ones included.
    if {before.get("status"), after.get("status")} & set(LISTED) and before != after:
        freshness.changed()
    if before.get("logo") and before["logo"] != after.get("logo", before["logo"]):
        delete_logo(before["logo"])


@receiver(post_delete, sender=ProposedChange)
def change_deleted(sender, instance, **kwargs):
    # An approved change's logo is the pledge's own now, and goes with the pledge.
    if instance.logo and instance.status != ProposedChange.Status.APPROVED:
        delete_logo(instance.logo.name)


@receiver(post_delete, sender=Pledge)
def deleted(sender, instance, **kwargs):
    if instance.status in LISTED:
        freshness.changed()
    if instance.logo:
        delete_logo(instance.logo.name)


def delete_logo(name):
    """Delete a logo's file once the change that let it go is committed.

    Until then the row still names it; if the change is rolled back, it still does.
    """
    storage = Pledge._meta.get_field("logo").storage
    transaction.on_commit(lambda: storage.delete(name))


def recipient_digest(address):
    """A keyed digest of an address: the same in every process, and no way back to the
    address without SECRET_KEY, so that a copy of the table names nobody."""
    return salted_hmac("pledges.recipient", address.strip().lower(), algorithm="sha256").hexdigest()


class SentEmail(models.Model):
    """An email a member of the public had the site send, or one waiting for its turn.

    What pledges.tasks counts to limit how often anyone can have the site write to one
    address. The address is kept only as `recipient_digest`; purge_pledges deletes the
    rows once they no longer count.
    """

    # The answers of `take_turn`.
    NOW, LATER, WAITING, OVER = "now", "later", "waiting", "over"

    recipient = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    at = models.DateTimeField(help_text="When it went, or when its turn comes.")
    # For a turn still to come: the pledge whose queued message will use it. Its address
    # may be erased before then (a withdrawal), and the message is handed on to another
    # pledge of the address (pledges.tasks.hand_on): only the pledge named here sends.
    pledge = models.ForeignKey(
        "Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["recipient", "at"], name="sent_email_recipient_at")]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def take_turn(cls, kind, address):
        """Book the next email of `kind` to `address`, and say when it may go.

        At most one of each kind per EMAIL_PER_ADDRESS_WINDOW and EMAIL_PER_ADDRESS_DAILY
        of any kind a day. The answer is (NOW, row), (LATER, row) when the turn is at the
        window's end, (WAITING, None) when a turn is booked already (that message will
        cover this request too), or (OVER, None).

        Call it inside a transaction: the address's pledges stay locked until it ends, so
        that two workers deciding for one address take turns.
        """
        list(Pledge.objects.select_for_update().filter(email__iexact=address).values("pk"))
        # The time once the lock is ours: read before, a turn booked meanwhile could seem
        # to lie ahead, and this request be taken for one already waiting.
        now = timezone.now()
        mine = cls.objects.filter(recipient=recipient_digest(address))
        last = mine.filter(kind=kind).order_by("-at").first()
        if last and last.at > now:
            return cls.WAITING, None
        # Turns booked for later count already, so the day's cap holds whatever is waiting.
        if mine.filter(at__gt=now - timedelta(days=1)).count() >= settings.EMAIL_PER_ADDRESS_DAILY:
            return cls.OVER, None
        at = max(now, last.at + settings.EMAIL_PER_ADDRESS_WINDOW) if last else now
        row = cls.objects.create(recipient=recipient_digest(address), kind=kind, at=at)
        return (cls.NOW if at == now else cls.LATER), row

    @classmethod
    def expired(cls):
        """The rows that no longer limit anything."""
        keep = max(timedelta(days=1), settings.EMAIL_PER_ADDRESS_WINDOW)
        return cls.objects.filter(at__lt=timezone.now() - keep)


class Report(models.Model):
    """A member of the public's concern about a listing, for moderators only.

    Nothing about a report is public. The reporter's email address, given only for a
    reply, is private: never logged, and erased 90 days after the report is closed.
    """

    class Reason(models.TextChoices):
        NOT_REAL = "not-real", "The organisation does not exist, or is not who it says it is"
        NOT_AGREED = "not-agreed", "It was signed without the organisation’s agreement"
        MISLEADING = "misleading", "Its statement or commitments are untrue or misleading"
        INAPPROPRIATE = "inappropriate", "Its name, statement, website or logo is inappropriate"
        CLOSED = "closed", "The organisation has closed, or changed its name"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NO_ACTION = "no-action", "Checked: no action needed"
        CORRECTED = "corrected", "The entry was corrected"
        WITHDRAWN = "withdrawn", "The pledge was withdrawn"
        OTHER = "other", "Something else (see the note)"

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField("what is wrong", max_length=20, choices=Reason.choices)
    details = models.TextField(
        max_length=2000,
        validators=[MaxLengthValidator(2000), validators.no_control_characters],
    )
    email = models.EmailField(
        "reporter’s email address",
        max_length=254,
        blank=True,
        validators=[validators.no_control_characters],
        help_text="Private: only for a reply. Erased 90 days after the report is closed.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("what was done", max_length=2000, blank=True)

    # How long a closed report keeps the reporter's address, for any follow-up.
    KEEP_EMAIL = timedelta(days=90)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = "reported concern"

    def __str__(self):
        return f"Concern about {self.pledge.name}"

    @classmethod
    def receive(cls, pledge, **fields):
        """Save a concern about a public pledge and queue the moderators' notice with it."""
        with transaction.atomic():
            report = cls.objects.create(pledge=pledge, **fields)
            tasks.queue("report", pledge, report=report.pk)
        return report

    def close(self, *, by, outcome, note=""):
        """Record what was done; a report is closed once."""
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=self.pk)
            if current.status != self.Status.OPEN:
                self.status = current.status
                raise PledgeStateError(self.pledge, "close a report about")
            self.status, self.closed_at, self.closed_by = self.Status.CLOSED, timezone.now(), by
            self.outcome, self.outcome_note = outcome, note
            self.save(update_fields=["status", "closed_at", "closed_by", "outcome", "outcome_note"])

    @classmethod
    def emails_to_erase(cls):
        """Closed reports whose reporter's address has been kept long enough."""
        return cls.objects.filter(
            status=cls.Status.CLOSED, closed_at__lt=timezone.now() - cls.KEEP_EMAIL
        ).exclude(email="")


class BuyingLink(models.Model):
    """Where a supplier finds tenders and registers to sell to the public sector, shown
    beside the supplier search: kept by staff, as the portals' addresses change."""

    title = models.CharField(max_length=100)
    url = models.URLField("address", max_length=300, validators=[validators.website])
    description = models.CharField(
        max_length=200, blank=True, help_text="One sentence on what a supplier finds there."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Shown in this order, smallest first."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "link for suppliers"
        verbose_name_plural = "links for suppliers"

    def __str__(self):
        return self.title


@receiver([post_save, post_delete], sender=BuyingLink)
def buying_link_changed(sender, **kwargs):
    freshness.changed()  # shown on cached pages
