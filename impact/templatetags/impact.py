from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from campaign.templatetags.site_tags import pounds
from impact.measures import ENVIRONMENT_CATEGORIES, MEASURES
from pledges.status import LISTED

register = template.Library()

CATEGORY = dict(ENVIRONMENT_CATEGORIES)


def figure(measure, value):
    """A reported figure as the public reads it."""
    unit = measure.unit
    if unit == "pounds":
        return pounds(value)
    if unit == "yes-no":
        return "Yes" if value else "No"
    if unit == "list":
        return ", ".join(CATEGORY.get(value, value) for value in value)
    if unit == "year" or unit == "text":
        return str(value)
    if isinstance(value, Decimal):
        return intcomma(f"{value:.1f}")
    return intcomma(value)


def rows(impact_return):
    """(label, shown value, unit) of each figure given and not hidden."""
    shown = []
    for measure in MEASURES:
        value = impact_return.shown(measure.field)
        if value in (None, "", []):
            continue
        shown.append((measure.short, figure(measure, value), measure.unit))
    return shown


@register.inclusion_tag("impact/includes/figures.html")
def impact_figures(pledge):
    """{% impact_figures pledge %}: the signatory's own reported figures by year, newest
    first, hidden ones left out; nothing at all when it has reported none. One query."""
    if pledge.status not in LISTED:
        return {"years": []}
    reported = [(each.label, rows(each)) for each in pledge.returns.order_by("-year")]
    return {"years": [(label, shown) for label, shown in reported if shown], "pledge": pledge}


@register.filter
def impact_figure(value, unit):
    """A total on the impact page, by its unit."""
    if unit == "pounds":
        return pounds(value)
    if isinstance(value, Decimal):
        return intcomma(f"{value:.1f}")
    return intcomma(value)
