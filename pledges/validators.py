"""What each pledge field may hold, and the one form it is stored in.

The model's fields carry the validators, and `Pledge.clean_fields` puts each answer in
its one form (`NORMALISE`) before they run, so the sign-up form, the manage form, the
admin and every command keep the same rules. Each message is one plain sentence saying
what to fix.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from backing_lancashire import postcodes
from pledges import categories as cpv

# Digits 0 to 9 only: \d would take any script's digits, which look alike but differ.
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")
CHARITY_NUMBER = re.compile(r"^([0-9]{6,7}(-[0-9]{1,2})?|SC0[0-9]{5}|NIC1[0-9]{5})$")
# White space a person may type inside a name; other control characters are refused.
SPACES = re.compile(r"[ \t\n\r\u1680\u2028\u2029]+")
# Characters that reorder the text around them, which can make a name display as another.
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The scheme and host of a web address, and what follows them (path, query or fragment).
HOST = re.compile(r"^([^:/?#]*://)?([^/?#]*)(.*)$", re.S)

WEBSITE_MESSAGE = "Enter the website address, like https://www.example.org.uk"
PHONE_MESSAGE = "Enter a UK phone number, like 01772 123456 or 07911 123456."


# Normalisers: never refuse, only tidy. ------------------------------------------------


def tidy(value):
    """One form for a name: look-alike characters folded (NFKC), invisible ones (a zero-width
    space, a byte-order mark) dropped, runs of white space collapsed.

    So 'Acme  Ltd ', 'Acme\u200b Ltd' and 'Acme Ltd', or a Kelvin sign and a K, are one name.
    Characters that reorder text are kept, for the validator to refuse.
    """
    value = "".join(char for char in value if not _invisible(char))
    return SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip(" ")


def _invisible(char):
    return unicodedata.category(char) == "Cf" and char not in BIDI_CONTROLS


def line_endings(value):
    """Windows line endings as one character, as browsers count them against a maximum."""
    return value.replace("\r\n", "\n")


def lower_domain(address):
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def lower_host(url):
    # Scheme and host names are case-insensitive; keep them in one form. The rest may
    # not be, so it stays as typed.
    scheme, host, rest = HOST.match(url.strip()).groups()
    return f"{(scheme or '').lower()}{host.lower()}{rest}"


# Upper case, one space before the last three characters: pr12ab → PR1 2AB.
postcode_form = postcodes.written_form


def company_number_form(value):
    """No spaces, upper case, full-width digits as digits, short numbers zero-padded to 8."""
    number = charity_number_form(value)
    return (
        number.zfill(8)
        if number.isascii() and number.isdigit() and 5 <= len(number) < 8
        else number
    )


def charity_number_form(value):
    return unicodedata.normalize("NFKC", value).replace(" ", "").upper()


NORMALISE = {
    "name": tidy,
    "statement": line_endings,
    "supplies": tidy,
    "contact_name": tidy,
    "contact_role": tidy,
    "email": lower_domain,
    "website": lower_host,
    "postcode": postcode_form,
    "companies_house_number": company_number_form,
    "charity_number": charity_number_form,
}


# Validators ---------------------------------------------------------------------------


def has_words(value):
    """Refuse a name made only of punctuation or symbols."""
    if not any(char.isalnum() for char in value):
        raise ValidationError("Enter a name with at least one letter or number.", code="no_words")


# What an organisation's name never holds but a message to a stranger would: a web
# address (with its scheme, www., or a path), an email address, or a phone number.
CONTACT_IN_NAME = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bwww\.|\w\.[a-z]{2,}/|@|(\d[\s().-]*){7}", re.IGNORECASE
)


def no_contact_details(value):
    """Refuse a name or title with a web or email address or a phone number in it: names
    are quoted in emails, some to addresses nobody has confirmed yet, and must not carry a
    link or a number to call there. "Booking.com" is still a name."""
    if CONTACT_IN_NAME.search(value):
        raise ValidationError(
            "Enter the name only, without a web address, email address or phone number.",
            code="contact_in_name",
        )


def no_control_characters(value):
    # Line breaks and tabs are allowed in long text; other control characters never.
    for char in value:
        if char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in "\n\r\t"):
            raise ValidationError(
                "Remove the hidden control characters from this answer.", code="control"
            )


def website(value):
    """A web address of our own kind: http or https, and no user name before the host."""
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced [ or ], which only an IPv6 address may use
        raise ValidationError(WEBSITE_MESSAGE, code="invalid") from None
    # https://www.lancashire.police.uk@evil.example goes to evil.example.
    if parts.scheme not in ("http", "https") or "@" in parts.netloc:
        raise ValidationError(WEBSITE_MESSAGE, code="invalid")


def uk_phone(value):
    if value and getattr(value, "country_code", 44) != 44:
        raise ValidationError(PHONE_MESSAGE, code="invalid")


def postcode(value):
    if not postcodes.is_postcode(value):
        raise ValidationError("Enter a real UK postcode, like PR1 2AB.", code="invalid")


# 8 digits, or 2 letters and 6 digits such as SC123456.
companies_house_number = RegexValidator(
    COMPANY_NUMBER,
    "Enter a Companies House number of 8 digits, or 2 letters and 6 digits, "
    "like 01234567 or SC123456.",
)
# England and Wales (6 or 7 digits, maybe -1), Scotland (SC0…) or Northern Ireland (NIC1…).
charity_number = RegexValidator(
    CHARITY_NUMBER,
    "Enter a registered charity number, like 1234567, 1234567-1 for England "
    "and Wales, or SC012345 for Scotland.",
)


def categories(value):
    """Up to five of the CPV divisions (pledges.categories), each once."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("Choose what you supply from the list.", code="invalid")
    if unknown := [code for code in value if code not in cpv.CATEGORY]:
        raise ValidationError(
            "Choose what you supply from the list: %(codes)s is not on it.",
            code="unknown_category",
            params={"codes": ", ".join(unknown[:3])[:40]},
        )
    if len(set(value)) > cpv.MOST:
        raise ValidationError(
            f"Choose up to {cpv.MOST} categories: the ones that describe most of what you supply.",
            code="too_many_categories",
        )
