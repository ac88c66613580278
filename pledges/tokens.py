"""Signed, expiring links for emails."""

from datetime import timedelta

from django.core import signing

VERIFY_SALT = "pledges.verify"
LINK_MAX_AGE = timedelta(days=7)


class BadLink(Exception):
    """The link was altered, is for something else, or has expired."""

    def __init__(self, expired=False):
        self.expired = expired


def make_token(pledge, salt=VERIFY_SALT):
    return signing.dumps(pledge.pk, salt=salt)


def read_token(token, salt=VERIFY_SALT):
    """The pledge's id from a token, or BadLink."""
    try:
        return signing.loads(token, salt=salt, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink() from None
