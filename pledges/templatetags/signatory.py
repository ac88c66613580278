import re

from django import template
from django.utils.html import format_html

register = template.Library()


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
