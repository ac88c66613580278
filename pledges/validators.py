"""Rules for what organisations type, each with one plain sentence saying what to fix."""

import re
import unicodedata

from django.core.exceptions import ValidationError

COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
CHARITY_NUMBER = re.compile(r"^(\d{6,7}(-\d{1,2})?|SC0\d{5}|NIC1\d{5})$")


def tidy(value):
    """One form for a name: look-alike characters folded (NFKC), runs of white space collapsed.

    So 'Acme  Ltd ' and 'Acme Ltd', or a Kelvin sign and a K, are the same name.
    """
    return " ".join(unicodedata.normalize("NFKC", value).split())


def has_words(value):
    """Refuse a name made only of punctuation or symbols."""
    if not any(char.isalnum() for char in value):
        raise ValidationError("Enter a name with at least one letter or number.", code="no_words")


# Characters that reorder the text around them, which can make a name display as another.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_control_characters(value):
    # Line breaks and tabs are allowed in long text; other control characters never.
    for char in value:
        if char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in "\n\r\t"):
            raise ValidationError("Remove the hidden control characters from this answer.")


def companies_house_number(value):
    """8 digits (zero-padded), or 2 letters and 6 digits such as SC123456."""
    number = value.replace(" ", "").upper()
    if number.isdigit() and 5 <= len(number) < 8:
        number = number.zfill(8)
    if not COMPANY_NUMBER.match(number):
        raise ValidationError(
            "Enter a Companies House number of 8 digits, or 2 letters and 6 digits, "
            "like 01234567 or SC123456.",
            code="invalid",
        )
    return number


def charity_number(value):
    """England and Wales (6 or 7 digits, maybe -1), Scotland (SC0…) or Northern Ireland (NIC1…)."""
    number = value.replace(" ", "").upper()
    if not CHARITY_NUMBER.match(number):
        raise ValidationError(
            "Enter a registered charity number, like 1234567, 1234567-1 for England "
            "and Wales, or SC012345 for Scotland.",
            code="invalid",
        )
    return number
