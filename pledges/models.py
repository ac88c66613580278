import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from phonenumber_field.modelfields import PhoneNumberField

from campaign.content import PLEDGE_WORDING
from pledges import emails, freshness


class District(models.TextChoices):
    BLACKBURN_WITH_DARWEN = "blackburn-with-darwen", "Blackburn with Darwen"
    BLACKPOOL = "blackpool", "Blackpool"
    BURNLEY = "burnley", "Burnley"
    CHORLEY = "chorley", "Chorley"
    FYLDE = "fylde", "Fylde"
    HYNDBURN = "hyndburn", "Hyndburn"
    LANCASTER = "lancaster", "Lancaster"
    PENDLE = "pendle", "Pendle"
    PRESTON = "preston", "Preston"
    RIBBLE_VALLEY = "ribble-valley", "Ribble Valley"
    ROSSENDALE = "rossendale", "Rossendale"
    SOUTH_RIBBLE = "south-ribble", "South Ribble"
    WEST_LANCASHIRE = "west-lancashire", "West Lancashire"
    WYRE = "wyre", "Wyre"
    NORTH_WEST = "north-west", "Elsewhere in the North West"
    OUTSIDE = "outside-north-west", "Outside the North West"


class OrganisationType(models.TextChoices):
    BUSINESS = "business", "Business"
    CHARITY = "charity", "Charity"
    SOCIAL_ENTERPRISE = "social-enterprise", "Social enterprise"
    PUBLIC_BODY = "public-body", "Public body"
    SCHOOL = "school", "School, college or university"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    """The sections of the UK Standard Industrial Classification (SIC 2007)."""

    AGRICULTURE = "agriculture", "Agriculture, forestry and fishing"
    MINING = "mining", "Mining and quarrying"
    MANUFACTURING = "manufacturing", "Manufacturing"
    ENERGY = "energy", "Electricity, gas, steam and air conditioning supply"
    WATER = "water-and-waste", "Water supply, sewerage and waste management"
    CONSTRUCTION = "construction", "Construction"
    RETAIL = "wholesale-and-retail", "Wholesale and retail trade; repair of motor vehicles"
    TRANSPORT = "transport", "Transport and storage"
    HOSPITALITY = "hospitality", "Accommodation and food services"
    INFORMATION = "information", "Information and communication"
    FINANCE = "finance", "Financial and insurance activities"
    REAL_ESTATE = "real-estate", "Real estate activities"
    PROFESSIONAL = "professional", "Professional, scientific and technical activities"
    ADMINISTRATIVE = "administrative", "Administrative and support services"
    PUBLIC_ADMINISTRATION = "public-administration", "Public administration and defence"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health and social work"
    ARTS = "arts", "Arts, entertainment and recreation"
    OTHER_SERVICES = "other-services", "Other service activities"
    HOUSEHOLDS = "households", "Households as employers"
    EXTRATERRITORIAL = "extraterritorial", "Extraterritorial organisations"


class Size(models.TextChoices):
    MICRO = "micro", "Micro (0–9 employees)"
    SMALL = "small", "Small (10–49 employees)"
    MEDIUM = "medium", "Medium (50–249 employees)"
    LARGE = "large", "Large (250 or more employees)"


# The five commitments of the brief: (field, theme slug, what the organisation commits to).
COMMITMENTS = [
    ("commits_local_spend", "local-spend", "spend through local and regional firms"),
    ("commits_living_wage", "living-wage", "pay the real Living Wage"),
    ("commits_jobs", "jobs", "create jobs and apprenticeships"),
    ("commits_volunteering", "volunteering", "create volunteering opportunities"),
    ("commits_environment", "environment", "protect the environment"),
]


# Short names for the commitments, for the wall's badges and the open data.
SHORT_LABELS = {
    "local-spend": "Local spend",
    "living-wage": "Living Wage",
    "jobs": "Jobs",
    "volunteering": "Volunteering",
    "environment": "Environment",
}

# What the public may see of a pledge: the wall, exports and feeds select only these.
PUBLIC_FIELDS = [
    "pk",
    "name",
    "slug",
    "organisation_type",
    "sector",
    "size",
    "district",
    "website",
    "logo",
    "statement",
    *[field for field, _, _ in COMMITMENTS],
    "submitted_at",
    "approved_at",
]


class RejectionReason(models.TextChoices):
    NOT_REAL = "not-real", "Not a real organisation"
    NOT_LANCASHIRE = "not-lancashire", "Not connected to Lancashire"
    DUPLICATE = "duplicate", "A duplicate of another pledge"
    INAPPROPRIATE = "inappropriate", "Inappropriate content"
    OTHER = "other", "Another reason"


# How long an unverified pledge waits for its email to be confirmed.
UNVERIFIED_FOR = timedelta(days=7)

# What an organisation may change about its own pledge through the manage link.
EDITABLE = ["name", "website", "statement", "size", *[field for field, _, _ in COMMITMENTS]]
# Erased when an organisation withdraws, and from old rejected or withdrawn pledges.
PERSONAL = [
    "contact_name",
    "contact_role",
    "email",
    "phone",
    "postcode",
    "companies_house_number",
    "charity_number",
    "moderator_note",
]


class PledgeStateError(Exception):
    """A transition was asked of a pledge in a status it cannot start from."""

    def __init__(self, pledge, action):
        self.status = pledge.status
        self.action = action
        super().__init__(f"Cannot {action} a pledge that is {pledge.get_status_display()}.")


class DuplicatePledge(Exception):
    """The organisation already has an active pledge."""

    def __init__(self, existing=None):
        self.existing = existing
        super().__init__("The organisation has already signed the pledge.")


class PledgeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Pledge.Status.APPROVED)

    def for_public_display(self):
        """Approved pledges with their public fields only: nothing private is even loaded."""
        return self.public().only(*PUBLIC_FIELDS)

    def active(self):
        return self.filter(status__in=Pledge.ACTIVE)

    def same_organisation(self, *, name, companies_house_number=""):
        """Active pledges that the one-per-organisation rule counts as this organisation.

        Names are compared with the database's own lower(), exactly as the unique
        index does, so the check and the constraint never disagree.
        """
        same = Q(lower_name=Lower(Value(name)))
        if companies_house_number:
            same |= Q(companies_house_number=companies_house_number)
        return self.active().alias(lower_name=Lower("name")).filter(same)

    def matching(self, **organisation):
        """The pledge that stops this organisation signing again, if any."""
        return self.same_organisation(**organisation).exclude(pk__in=self.expired().values("pk"))

    def expired(self):
        """Unverified pledges whose link has run out: purged daily, and never in the way."""
        return self.filter(
            status=Pledge.Status.UNVERIFIED, submitted_at__lt=timezone.now() - UNVERIFIED_FOR
        )


def logo_path(pledge, filename):
    # A random name: the uploaded name is the visitor's input and says nothing we need.
    return f"logos/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Pledge(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A pledge in these states holds its organisation's one place.
    ACTIVE = [Status.UNVERIFIED, Status.PENDING, Status.APPROVED]

    # Public once approved.
    name = models.CharField("organisation name", max_length=200)
    slug = models.SlugField(max_length=220, unique=True, editable=False)
    organisation_type = models.CharField(
        "type of organisation", max_length=32, choices=OrganisationType.choices
    )
    sector = models.CharField(max_length=32, choices=Sector.choices)
    size = models.CharField("number of employees", max_length=16, choices=Size.choices)
    district = models.CharField(max_length=32, choices=District.choices)
    website = models.URLField(max_length=300, blank=True)
    logo = models.ImageField(upload_to=logo_path, blank=True)
    statement = models.TextField(
        "why your organisation is backing Lancashire", max_length=500, blank=True
    )
    commits_local_spend = models.BooleanField("spending locally", default=False)
    commits_living_wage = models.BooleanField("paying the real Living Wage", default=False)
    commits_jobs = models.BooleanField("creating jobs and apprenticeships", default=False)
    commits_volunteering = models.BooleanField("creating volunteering", default=False)
    commits_environment = models.BooleanField("protecting the environment", default=False)

    # Private: staff only, never in a public page, feed, export or log line.
    # Blank only once erased: the sign-up form requires them.
    contact_name = models.CharField(max_length=100, blank=True)
    contact_role = models.CharField("job title", max_length=100, blank=True)
    email = models.EmailField("email address", max_length=254, blank=True)
    phone = PhoneNumberField("phone number", blank=True, region="GB")
    postcode = models.CharField(max_length=8, blank=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    charity_number = models.CharField(max_length=12, blank=True)
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
                condition=Q(status__in=["unverified", "pending", "approved"]),
                name="one_active_pledge_per_name",
            ),
            models.UniqueConstraint(
                "companies_house_number",
                condition=Q(status__in=["unverified", "pending", "approved"])
                & ~Q(companies_house_number=""),
                name="one_active_pledge_per_company",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:detail", args=[self.slug])

    def is_public(self):
        return self.status == self.Status.APPROVED

    @property
    def wording(self):
        return PLEDGE_WORDING.format(organisation=self.name)

    @property
    def commitments(self):
        """What the organisation commits to, as (theme slug, wording) pairs."""
        return [(slug, text) for field, slug, text in COMMITMENTS if getattr(self, field)]

    @property
    def commitment_badges(self):
        return [(slug, SHORT_LABELS[slug]) for slug, _ in self.commitments]

    @property
    def monogram(self):
        """Initials for a signatory without a logo, and one of eight colours to show them in."""
        words = [word for word in self.name.split() if word[0].isalnum()]
        letters = "".join(word[0] for word in words[:2]).upper() or "?"
        return letters, sum(map(ord, self.name)) % 8

    # Creation -------------------------------------------------------------

    @classmethod
    def submit(cls, **fields):
        """Save a new, unverified pledge and record it, or raise DuplicatePledge.

        The insert is tried first and the database's constraints decide; only a
        refusal costs more queries (a slug taken, or a lapsed pledge in the way).
        """
        logo = fields.pop("logo", None)
        pledge = cls(**fields)
        base = slugify(pledge.name)[:200] or "organisation"
        same = {"name": pledge.name, "companies_house_number": pledge.companies_house_number}
        attempt = 1
        while attempt < 12:
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
                    emails.queue("verify", pledge)
                    return pledge
            except Exception as error:
                # The logo was written before the save failed: leave nothing behind.
                if pledge.logo:
                    pledge.logo.delete(save=False)
                if not isinstance(error, IntegrityError):
                    raise
                pledge.pk = None
                pledge._state.adding = True
            # A pledge left unconfirmed past its link's life holds no place: clear it, retry.
            lapsed = cls.objects.expired().filter(
                pk__in=cls.objects.same_organisation(**same).values("pk")
            )
            if lapsed.exists():
                lapsed.delete()
                continue
            if not cls.objects.filter(slug=pledge.slug).exists():
                raise DuplicatePledge(cls.objects.matching(**same).first())
            attempt += 1  # the slug is taken: try the next
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
            now = timezone.now()
            self.events.create(
                action=action, from_status=current.status, to_status=to, actor=by, note=note
            )
            self.status = to
            changes["status"] = to
            if stamp:
                changes[stamp] = now
            for field, value in changes.items():
                setattr(self, field, value)
            Pledge.objects.filter(pk=self.pk).update(**changes)
            if email:
                emails.queue(email, self)
            freshness.changed()

    def verify(self):
        self._move(
            PledgeEvent.Action.VERIFIED,
            self.Status.PENDING,
            allowed_from=[self.Status.UNVERIFIED],
            stamp="verified_at",
            email="moderators",
        )

    def approve(self, *, by):
        self._move(
            PledgeEvent.Action.APPROVED,
            self.Status.APPROVED,
            allowed_from=[self.Status.PENDING],
            by=by,
            stamp="approved_at",
            email="approved",
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
                allowed_from=[self.Status.PENDING, self.Status.APPROVED],
                by=by,
                note=note,
                stamp="withdrawn_at",
            )
            if by is None:
                self.erase_personal_data()

    def update_details(self, changes, *, by=None):
        """Apply the organisation's own changes; a new name goes back for review.

        The changes go onto the locked row, so that a refused save leaves this
        object as it was stored, and a logo written for it is removed again.
        """
        changed = {
            field: value for field, value in changes.items() if getattr(self, field) != value
        }
        if not changed:
            return []
        row = None
        try:
            with transaction.atomic():
                row = Pledge.objects.select_for_update().get(pk=self.pk)
                if row.status not in (self.Status.PENDING, self.Status.APPROVED):
                    raise PledgeStateError(row, "update")
                old_status, old_logo = row.status, row.logo.name
                for field, value in changed.items():
                    setattr(row, field, value)
                if "name" in changed and old_status == self.Status.APPROVED:
                    row.status = self.Status.PENDING
                row.save(update_fields=[*changed, "status"])
                labels = [str(Pledge._meta.get_field(field).verbose_name) for field in changed]
                self.events.create(
                    action=PledgeEvent.Action.UPDATED,
                    from_status=old_status,
                    to_status=row.status,
                    actor=by,
                    note="Changed: " + ", ".join(labels) + ".",
                )
                freshness.changed()
        except Exception:
            if row is not None and "logo" in changed and row.logo:
                row.logo.storage.delete(row.logo.name)
            raise
        if "logo" in changed and old_logo:
            row.logo.storage.delete(old_logo)
        self.refresh_from_db()
        return list(changed)

    def erase_personal_data(self):
        """Blank the contact's details, keeping what the audit trail needs."""
        logo = self.logo.name
        with transaction.atomic():
            for field in PERSONAL:
                setattr(self, field, "")
            self.logo = ""
            self.erased_at = timezone.now()
            self.save(update_fields=[*PERSONAL, "logo", "erased_at"])
            self.events.create(
                action=PledgeEvent.Action.ERASED, from_status=self.status, to_status=self.status
            )
        if logo:  # no longer shown anywhere, so not kept either
            self.logo.storage.delete(logo)


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
        return str(self.actor) if self.actor else "the organisation"
