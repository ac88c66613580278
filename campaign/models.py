from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from backing_lancashire import freshness


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


class SpendFigure(PublicContent):
    """A headline spend figure, shown on the home page and charted on /spend/."""

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
        help_text="In pounds, e.g. 36000000 for £36m. Drawn to scale on the chart.",
    )

    def __str__(self):
        return self.label


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
