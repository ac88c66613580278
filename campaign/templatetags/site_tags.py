from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma

from campaign.content import HASHTAG

register = template.Library()

NAVIGATION = [
    ("campaign:home", "Home"),
    ("campaign:about", "About"),
    ("campaign:social_value", "Social value"),
    ("campaign:spend", "Spend"),
    ("pledges:wall", "Signatories"),
    ("pledges:suppliers", "Find a supplier"),
    ("impact:index", "Impact"),
    ("campaign:get_involved", "Get involved"),
    ("pledges:sign", "Sign the pledge"),
]


@register.inclusion_tag("includes/nav.html", takes_context=True)
def site_nav(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    return {"links": [(name, label, name == current) for name, label in NAVIGATION]}


@register.filter
def pounds_short(amount):
    """£36m, £6.3m, £250k: how the campaign writes its figures; a net credit −£200."""
    amount = Decimal(amount)
    if amount < 0:
        return "−" + pounds_short(-amount)
    for size, suffix in ((10**9, "bn"), (10**6, "m"), (10**3, "k")):
        if amount >= size:
            scaled = (amount / size).quantize(Decimal("0.1"), ROUND_HALF_UP)
            return f"£{scaled.normalize():f}{suffix}"
    return f"£{amount.quantize(Decimal('1'), ROUND_HALF_UP):f}"


@register.filter
def pounds(amount):
    """£36,000,000 in full, with pence only when there are some; a net credit −£434.50."""
    amount = Decimal(amount)
    if amount < 0:
        return "−" + pounds(-amount)
    if amount == amount.to_integral_value():
        return f"£{intcomma(int(amount))}"
    return f"£{intcomma(f'{amount:.2f}')}"


def _shared_page(context):
    request = context.get("request")
    # Never a path that carries a private token (confirm and manage links set canonical).
    return settings.SITE_URL + (context.get("canonical") or (request.path if request else "/"))


@register.simple_tag(takes_context=True)
def shared_page(context):
    """The address of this page, as it is shared and copied."""
    return _shared_page(context)


@register.simple_tag(takes_context=True)
def share_url(context, text):
    """A plain post-to-X link with the campaign hashtag: no third-party script on our pages."""
    query = urlencode({"text": text, "hashtags": HASHTAG.lstrip("#"), "url": _shared_page(context)})
    return f"https://twitter.com/intent/tweet?{query}"


@register.simple_tag(takes_context=True)
def linkedin_url(context):
    """LinkedIn's plain share link: it reads the title and picture from the page itself."""
    query = urlencode({"url": _shared_page(context)})
    return f"https://www.linkedin.com/sharing/share-offsite/?{query}"
