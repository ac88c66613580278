import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.formats import date_format

from backing_lancashire import freshness
from campaign.spending import changes


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class PublicContent(models.Model):
    """What staff keep current and choose to show, in the order they choose."""

    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    is_published = models.BooleanField("published", default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


# "£36m", "£6.3m", "£250k", "£36,000,000", "£1,234.50"
MONEY = re.compile(r"£(\d[\d,]*(?:\.\d+)?)\s*(bn|m|k)?\b")
SCALES = {"bn": 10**9, "m": 10**6, "k": 10**3, "": 1}
# What a figure without a date says in its place.
NO_DATE = "Not given in the source"


def amounts_in(text):
    """Every sum of money written in `text`, as a number of pounds."""
    return [
        Decimal(digits.replace(",", "")) * SCALES[scale] for digits, scale in MONEY.findall(text)
    ]


class SpendFigure(PublicContent):
    """A headline spend figure, shown on the home page and on /spend/."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", "A total for one year"
        ONE_OFF = "one-off", "A one-off figure"

    headline = models.CharField(
        max_length=250,
        help_text="The figure as a sentence, shown on the home page and in the table.",
    )
    label = models.CharField(
        max_length=40,
        help_text="A short name for the bar on the chart (at most 40 characters, "
        "so it fits on a phone).",
    )
    amount = models.DecimalField(
        "amount (£)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="In pounds, e.g. 36000000 for £36m. Yearly totals are drawn to scale on "
        "one chart.",
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.YEARLY,
        help_text="A one-off figure (a single project, say) is shown on its own, never on "
        "the same chart as yearly totals.",
    )
    period = models.CharField(
        max_length=120,
        help_text='What the figure covers, e.g. "2017/18" or "the development of West '
        'Division Police Headquarters". Shown beside the figure.',
    )
    source = models.CharField(
        max_length=250,
        help_text="Where the figure comes from, so that a reader can check it. Shown "
        "beside the figure.",
    )
    source_url = models.URLField("source address", blank=True, help_text="Optional.")
    # No default: a date filled in for staff (the day a row was saved or loaded) would
    # be shown as when the figure was last updated, which it is not.
    updated_on = models.DateField(
        "last updated",
        null=True,
        blank=True,
        help_text="The date the figure is up to date to, as its source gives it: for a "
        "yearly total, the last day of that year unless the source is later. Shown beside "
        "it as “Last updated”. Leave blank only if the source gives no date: the page then "
        "says so.",
    )

    def __str__(self):
        return self.label

    def clean(self):
        # The headline is written by hand: the page shows the amount too, so the two must
        # say the same, whichever way the headline writes it (£36m or £36,000,000).
        if self.amount is None:
            return
        for written in amounts_in(self.headline):
            if written != self.amount:
                raise ValidationError(
                    {
                        "headline": "The sum in the headline does not match the amount. "
                        "Write the amount, e.g. £36m or £36,000,000 for 36000000."
                    }
                )

    @property
    def last_updated(self):
        """When the figure was last updated, in words, or that its source does not say."""
        return date_format(self.updated_on, "j F Y") if self.updated_on else NO_DATE

    @property
    def is_yearly(self):
        return self.kind == self.Kind.YEARLY


class Testimonial(PublicContent):
    """A supporter's quote, shown on the home page."""

    quote = models.TextField(max_length=1000, help_text="Shown in quotation marks.")
    attribution = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who said it, if they have agreed to be named. Leave blank to show none.",
    )

    class Meta(PublicContent.Meta):
        verbose_name = "supporter quote"

    def __str__(self):
        return self.quote[:60]


@receiver([post_save, post_delete], sender=SpendFigure)
@receiver([post_save, post_delete], sender=Testimonial)
def content_changed(sender, **kwargs):
    # Figures and quotes are on cached public pages: whoever changes one, the admin
    # or a command, every page cache renews.
    freshness.changed()


# Spending: the force's published "spend over £500" files, imported by staff, and the
# register of who was paid and where they are. See campaign/spending/.


class Publisher(models.Model):
    """Who publishes a series of spending files, and what its finance system calls things."""

    name = models.CharField(max_length=120, unique=True)
    # Column names staff mapped once, {our column: the publisher's heading}: the reader
    # recognises them in every later file of this publisher.
    columns = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.TextChoices):
    """Where a supplier is, from its postcode: what the local shares are made of."""

    LANCASHIRE = "lancashire", "Lancashire"
    NORTH_WEST = "north-west", "Elsewhere in the North West"
    ELSEWHERE = "elsewhere", "Outside the North West"


class Supplier(models.Model):
    """One organisation the force paid, however its name was spelt in the files."""

    class Kind(models.TextChoices):
        BUSINESS = "business", "A business or other organisation"
        PUBLIC = "public", "A public body"
        PERSON = "person", "A person (a sole trader named by a person's name)"

    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.BUSINESS,
        help_text="Spend with public bodies is shown as its own share. A person is only "
        "ever counted in totals, never named.",
    )
    postcode = models.CharField(
        max_length=8, blank=True, help_text="Where the supplier is: its council area follows."
    )
    companies_house_number = models.CharField("Companies House number", max_length=8, blank=True)
    council = models.CharField(
        "council area code", max_length=9, blank=True, editable=False, db_index=True
    )
    area = models.CharField(max_length=16, choices=Area.choices, blank=True, editable=False)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name="signatory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suppliers",
        help_text="The Backing Lancashire signatory this supplier is, when it is one.",
    )
    not_signatory = models.BooleanField(
        "not a signatory",
        default=False,
        help_text="Tick when this supplier is not the signatory it was matched to: it is "
        "then never matched by name or number again.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SupplierName(models.Model):
    """A spelling of a supplier's name seen in a file, by its matching key: a later file
    that spells it so is paid to the same supplier, merged or not."""

    key = models.CharField(max_length=200, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="names")

    def __str__(self):
        return self.key


class SpendImport(models.Model):
    """One spending file, imported: what it held and what became of each line."""

    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    digest = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the file.")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payments_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(
        default=0, help_text="Payments already imported from another file, not counted again."
    )
    redacted = models.PositiveIntegerField(default=0)
    refusals = models.JSONField(default=list, blank=True, help_text="[line, why] of each.")
    total = models.DecimalField("total (£)", max_digits=16, decimal_places=2, default=0)
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "spending file"

    def __str__(self):
        return self.file_name


class Payment(models.Model):
    """One line of a spending file: a payment, or a credit note netting off."""

    spend_import = models.ForeignKey(SpendImport, on_delete=models.CASCADE, related_name="payments")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="+")
    # None when the file redacted the payee for personal data: the money still counts.
    supplier = models.ForeignKey(
        Supplier, null=True, on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    expense_type = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    line = models.PositiveIntegerField()
    # The same payment in two files (a re-import, or files that overlap) has one key.
    key = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publisher", "key"], name="one_payment_per_key")
        ]

    def __str__(self):
        return f"{self.paid_on} {self.amount}"


@receiver([post_save, post_delete], sender=Supplier)
@receiver([post_save, post_delete], sender=SpendImport)
def spending_changed(sender, **kwargs):
    # The spend figures are computed from these: the page and its downloads renew.
    changes.spending_changed()
