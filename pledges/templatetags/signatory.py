import functools
import re

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from pledges import categories as cpv
from pledges import checkins
from pledges.models import District, OrganisationType, Sector, Size
from pledges.themes import THEMES

register = template.Library()

# The wall draws 48 of these on every page that no cache holds, so they are drawn here
# in plain Python rather than through a template each: Django's template engine took
# about 14 ms for a page of them, this well under 1 ms. Every value from the pledge is
# escaped. The markup is the same for the wall, the home page and the admin's preview.
DISTRICTS = {value: escape(label) for value, label in District.choices}
SECTORS = {value: escape(label) for value, label in Sector.choices}


@register.simple_tag
def signatory_cards(pledges):
    """The wall's cards for these pledges, each an <li> for a <ul class="signatories">."""
    icons = escape(static("img/icons.svg"))
    themes = {
        # No class on the icon: `.commitments svg` styles it, and 48 cards' worth of
        # class attributes kept the wall's page over its 60 KB.
        theme.field: f'<li><svg aria-hidden="true"><use href="{icons}#'
        f'{theme.slug}"></use></svg>{escape(theme.short)}</li>'
        for theme in THEMES
    }
    # One reverse() for the page, not one a card: each costs about 0.1 ms.
    before, after = reverse("pledges:detail", args=["slug"]).rsplit("slug", 1)
    now = timezone.now()
    cards = []
    for pledge in pledges:
        if pledge.logo:
            logo = (
                f'<img class="signatory__logo" src="{escape(pledge.logo.url)}" alt="" '
                'width="64" height="64" loading="lazy">'
            )
        else:
            letters, colour = pledge.monogram
            logo = (
                f'<span class="signatory__logo monogram monogram--{colour}" '
                f'aria-hidden="true">{escape(letters)}</span>'
            )
        commitments = "".join(html for field, html in themes.items() if getattr(pledge, field))
        cards.append(
            f'<li class="signatory">{logo}<div class="signatory__body">'
            f'<h3 class="signatory__name"><a href="{before}{escape(pledge.slug)}{after}">'
            f"{escape(pledge.name)}</a></h3>"
            f'<p class="signatory__meta">{DISTRICTS.get(pledge.district, "")} · '
            f"{SECTORS.get(pledge.sector, '')}{standing_line(pledge, now)}</p>"
            f'<ul class="commitments" aria-label="Commits to">{commitments}</ul></div></li>'
        )
    # Every value from the pledge is escaped above.
    return mark_safe("".join(cards))  # noqa: S308


def standing_line(pledge, now):
    """When the pledge was last affirmed, or that a check-in is due, or that it lapsed:
    a second line of the card's meta."""
    standing = checkins.standing(pledge, now)
    if standing == checkins.Standing.DUE:
        return "<br><strong>Check-in due</strong>"
    if standing == checkins.Standing.LAPSED and pledge.lapsed_at:
        return f"<br>Lapsed {month(pledge.lapsed_at)}"
    if pledge.affirmed_at:
        return f"<br>Affirmed {month(pledge.affirmed_at)}"
    return ""  # the admin's preview of a pledge not yet approved


def month(moment):
    """ "November 2026": by hand, as Django's date format costs more than the rest of a
    card."""
    local = timezone.localtime(moment)
    return f"{MONTHS[local.month]} {local.year}"


@register.simple_tag
def signatory_card(pledge):
    """One card, as on the wall."""
    return signatory_cards([pledge])


@register.filter
def breakable_url(address):
    """A web address that wraps only after its dots and slashes, never mid-word."""
    # <wbr> after each separator, and none inside a word: a long address folds at
    # "www." or "/path" as a person would break it, with no hyphen added.
    parts = re.split(r"(?<=[./?&=-])", address)
    return format_html("<wbr>".join(["{}"] * len(parts)), *parts)


@register.filter
def code_spans(text):
    """Text written for the README, with `names` in backticks, as HTML with <code>."""
    parts = text.split("`")
    shapes = ["<code>{}</code>" if n % 2 else "{}" for n in range(len(parts))]
    return format_html("".join(shapes), *parts)


# The supplier search's labels, escaped once.
KINDS = {value: escape(label) for value, label in OrganisationType.choices}
SIZES = {value: escape(label) for value, label in Size.choices}
CATEGORY_LINKS = {
    category.code: f'<a href="{escape(category.get_absolute_url())}">{escape(category.label)}</a>'
    for category in cpv.CATEGORIES
}


@register.simple_tag
def supplier_cards(results):
    """The supplier search's results, each an <li> for an <ol class="supplier-results">:
    in plain Python, as the wall's cards are, for the same reason (about half a
    millisecond a card through the template engine). Every value from the pledge is
    escaped."""
    icons = escape(static("img/icons.svg"))
    themes = {
        theme.field: f'<li><svg aria-hidden="true"><use href="{icons}#{theme.slug}"></use>'
        f"</svg>{escape(theme.short)}</li>"
        for theme in THEMES
    }
    before, after = reverse("pledges:detail", args=["slug"]).rsplit("slug", 1)
    cards = []
    for pledge, distance in results:
        name = escape(pledge.name)
        where = (
            f'<span class="supplier__distance">{escape(distance)} away</span> · '
            if distance
            else ""
        )
        parts = [
            f'<li class="supplier"><h3 class="supplier__name"><a href="{before}'
            f'{escape(pledge.slug)}{after}">{name}</a></h3>',
            f'<p class="supplier__where">{where}{DISTRICTS.get(pledge.district, "")}</p>',
        ]
        if pledge.supplies:
            parts.append(f'<p class="supplier__supplies">{escape(pledge.supplies)}</p>')
        links = [CATEGORY_LINKS[code] for code in pledge.categories if code in CATEGORY_LINKS]
        if links:
            parts.append(
                '<p class="supplier__categories"><span class="supplier__categories-label">'
                f"Categories:</span> {'; '.join(links)}</p>"
            )
        facts = [
            KINDS.get(pledge.organisation_type, "") + (" (VCSE)" if pledge.is_vcse else ""),
            SIZES.get(pledge.size, "") + (" · SME" if pledge.is_sme else ""),
        ]
        if sells := pledge.sells_to:
            facts.append(f"Sells to {escape(', '.join(sells))}")
        if pledge.living_wage_accredited:
            facts.append("<strong>Accredited Living Wage employer</strong>")
        parts.append(
            '<ul class="supplier__facts">' + "".join(f"<li>{f}</li>" for f in facts) + "</ul>"
        )
        commitments = "".join(html for field, html in themes.items() if getattr(pledge, field))
        parts.append(f'<ul class="commitments" aria-label="Commits to">{commitments}</ul>')
        if pledge.website:
            parts.append(
                f'<p class="supplier__website"><a href="{escape(pledge.website)}" '
                f'rel="nofollow noopener">Website<span class="visually-hidden"> of {name}'
                "</span></a></p>"
            )
        parts.append("</li>")
        cards.append("".join(parts))
    # Every value from the pledge is escaped above.
    return mark_safe("".join(cards))  # noqa: S308


@register.simple_tag
@functools.cache
def category_items(current):
    """The supplier search's "Browse by category" links, each an <li>, `current` (a
    category, or None) marked as the page's own. Drawn once for each category, as they
    change only with the code: a round trip to the shared cache for them cost more. (Kept
    with the addresses of the first request: the site is served at the root, not under a
    prefix that could differ between requests.)"""
    items = []
    for category in cpv.CATEGORIES:
        mark = ' aria-current="page"' if category == current else ""
        items.append(
            f'<li><a href="{escape(category.get_absolute_url())}"{mark}>'
            f"{escape(category.label)}</a></li>"
        )
    # Every value is escaped above.
    return mark_safe("".join(items))  # noqa: S308
