from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from backing_lancashire import freshness
from impact import years
from impact.measures import ENVIRONMENT_CATEGORIES, FIELDS, MEASURE
from pledges import tasks, validators
from pledges.models import Pledge
from pledges.status import LISTED, Status

# Sane bounds: far above any Lancashire organisation, low enough to catch a slip of
# the keyboard (a figure typed twice over) and to keep every total inside its column.
MOST = {
    "pounds": 10_000_000_000,  # ten billion pounds
    "people": 1_000_000,
    "fte": Decimal("100000.0"),
    "weeks": 52_000_000,
    "hours": 10_000_000,
    "tonnes": Decimal("10000000.0"),
}
WEEKS_A_YEAR = 52
# The Living Wage Foundation began accrediting employers in 2011.
FIRST_ACCREDITATION = 2011
# Each part, and the whole it is part of: checked in ImpactReturn.clean.
PARTS = [
    ("lancashire_spend", "north_west_spend"),
    ("north_west_spend", "total_spend"),
    ("lancashire_spend", "total_spend"),
    ("small_firms_spend", "total_spend"),
    ("vcse_spend", "total_spend"),
    ("living_wage_employees", "employees"),
]


def lowered(name):
    """A measure's name inside a sentence: its first letter only, so that "Lancashire"
    and "North West" keep their capitals."""
    return name[:1].lower() + name[1:]


def bounded(unit, field):
    """The validators of a figure, each with a message that says what to enter."""
    most = MOST[unit]
    shown = f"£{most:,}" if unit == "pounds" else f"{most:,}"
    name = lowered(MEASURE[field].short)
    return [
        MinValueValidator(0, f"Enter 0 or more for {name}."),
        MaxValueValidator(most, f"Enter {shown} or less for {name}: check for a slip."),
    ]


def whole(field, unit, big=False):
    kind = models.PositiveBigIntegerField if big else models.PositiveIntegerField
    return kind(MEASURE[field].label, null=True, blank=True, validators=bounded(unit, field))


# Digits to spare beyond the bounds, so that a figure over its bound is told so once,
# by the bound's own message, not also by a count of digits.
DIGITS = 12


def tenths(field, unit):
    return models.DecimalField(
        MEASURE[field].label,
        max_digits=DIGITS,
        decimal_places=1,
        null=True,
        blank=True,
        validators=bounded(unit, field),
    )


class ReturnQuerySet(models.QuerySet):
    def counted(self):
        """The returns that count in the totals and the open data: those of approved
        pledges, as the wall's counts have them. A lapsed pledge's stay on its own page
        (what it reported was true then), but count nowhere until it checks in again."""
        return self.filter(pledge__status=Status.APPROVED)

    def bulk_create(self, objs, *args, **kwargs):
        # Many at once (seeding) send no signals: say so once for all of them.
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            freshness.changed()
        return created


class ImpactReturn(models.Model):
    """What one organisation reported for one reporting year: every figure optional."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="returns")
    year = models.PositiveSmallIntegerField(
        "reporting year",
        help_text="The year the financial year starts: 2026 is April 2026 to March 2027.",
        validators=[
            MinValueValidator(years.FIRST, f"Choose a year from {years.FIRST} on."),
            MaxValueValidator(2100, "Choose a year that has begun."),
        ],
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    total_spend = whole("total_spend", "pounds", big=True)
    north_west_spend = whole("north_west_spend", "pounds", big=True)
    lancashire_spend = whole("lancashire_spend", "pounds", big=True)
    small_firms_spend = whole("small_firms_spend", "pounds", big=True)
    vcse_spend = whole("vcse_spend", "pounds", big=True)

    employees = whole("employees", "people")
    living_wage_employees = whole("living_wage_employees", "people")
    living_wage_accredited = models.BooleanField(
        MEASURE["living_wage_accredited"].label, null=True, blank=True
    )
    accredited_since = models.PositiveSmallIntegerField(
        MEASURE["accredited_since"].label, null=True, blank=True
    )

    new_jobs = tenths("new_jobs", "fte")
    apprenticeships = whole("apprenticeships", "people")
    apprenticeship_weeks = whole("apprenticeship_weeks", "weeks")
    inclusive_hires = whole("inclusive_hires", "people")

    volunteering_hours = whole("volunteering_hours", "hours")

    environment_account = models.TextField(
        MEASURE["environment_account"].label,
        max_length=600,
        blank=True,
        validators=[
            MaxLengthValidator(600, "Write 600 characters or fewer."),
            validators.no_control_characters,
            validators.no_contact_details,
        ],
    )
    environment_categories = models.JSONField(
        MEASURE["environment_categories"].label, default=list, blank=True
    )
    co2e_tonnes = tenths("co2e_tonnes", "tonnes")

    # Moderation: the figures a moderator has taken out of every public count, and why
    # (the organisation is told both).
    hidden = models.JSONField("hidden figures", default=list, blank=True)
    hidden_note = models.TextField(
        "why they are hidden",
        blank=True,
        help_text="Sent to the organisation with the names of the hidden figures.",
    )

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "pledge__name"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "year"], name="one_return_per_year")
        ]
        indexes = [models.Index(fields=["year", "pledge"], name="return_year_pledge")]

    def __str__(self):
        return f"{self.pledge.name}, {self.label}"

    @property
    def label(self):
        return years.label(self.year)

    def is_empty(self):
        """Nothing reported: an all-empty form saves no return."""
        return all(getattr(self, field) in (None, "", []) for field in FIELDS)

    def shown(self, field):
        """A figure as the public may see it: None when hidden or not given."""
        return None if field in self.hidden else getattr(self, field)

    def moderate(self, hidden, note):
        """Save the figures a moderator hides, with the note; the organisation is told
        once of each figure newly hidden (a figure shown again needs no email)."""
        with transaction.atomic():
            stored = ImpactReturn.objects.select_for_update().get(pk=self.pk)
            newly = [field for field in hidden if field not in stored.hidden]
            self.hidden, self.hidden_note = list(hidden), note
            self.save(update_fields=["hidden", "hidden_note", "updated_at"])
            if newly:
                tasks.queue(
                    "figure_hidden",
                    self.pledge,
                    year=self.label,
                    figures=[MEASURE[field].short for field in newly],
                    note=note,
                )
        return newly

    def _fits(self, field):
        """Whether the figure passes its own field's bounds (or is not given)."""
        value = getattr(self, field)
        try:
            for validator in self._meta.get_field(field).validators:
                if value is not None:
                    validator(value)
        except ValidationError:
            return False
        return True

    def clean(self):
        errors = {}
        # A figure already refused by its own bounds is not compared again: one message.
        fits = {field: self._fits(field) for field in {f for pair in PARTS for f in pair}}
        fits.update(apprenticeship_weeks=self._fits("apprenticeship_weeks"))
        fits.update(employees=self._fits("employees"))
        for part, whole_ in PARTS:
            have, of = getattr(self, part), getattr(self, whole_)
            if not (fits[part] and fits[whole_]):
                continue
            if have is not None and of is not None and have > of and part not in errors:
                errors[part] = (
                    f"{MEASURE[part].short} cannot be more than "
                    f"{lowered(MEASURE[whole_].short)}: it is part of it."
                )
        weeks, staff = self.apprenticeship_weeks, self.employees
        checkable = fits["apprenticeship_weeks"] and fits["employees"]
        if checkable and weeks is not None and staff is not None and weeks > staff * WEEKS_A_YEAR:
            errors["apprenticeship_weeks"] = (
                f"Apprenticeship weeks cannot be more than {WEEKS_A_YEAR} for each person "
                f"employed ({staff * WEEKS_A_YEAR:,} for {staff:,} people)."
            )
        since = self.accredited_since
        if since is not None:
            last = (self.year or years.current()) + 1
            if self.living_wage_accredited is not True:
                errors["accredited_since"] = (
                    "Leave the year empty, or answer Yes to being accredited."
                )
            elif not FIRST_ACCREDITATION <= since <= last:
                errors["accredited_since"] = (
                    f"Enter a year from {FIRST_ACCREDITATION} to {last}, such as 2019."
                )
        categories = self.environment_categories
        known = {value for value, _ in ENVIRONMENT_CATEGORIES}
        if not isinstance(categories, list) or not set(categories) <= known:
            errors["environment_categories"] = "Choose from the categories listed."
        hidden = self.hidden
        if not isinstance(hidden, list) or not set(hidden) <= set(FIELDS):
            errors["hidden"] = "Choose from the figures listed."
        elif hidden and not self.hidden_note.strip():
            errors["hidden_note"] = (
                "Say why the figures are hidden: the organisation is told what you write."
            )
        if errors:
            raise ValidationError(errors)


@receiver(post_save, sender=ImpactReturn)
@receiver(post_delete, sender=ImpactReturn)
def return_changed(sender, instance, **kwargs):
    # The impact page, the signatory's page and the open data show listed returns only.
    if Pledge.objects.filter(pk=instance.pledge_id, status__in=LISTED).exists():
        freshness.changed()
