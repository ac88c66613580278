"""Signed, expiring links for emails.

A verification link names the pledge; a manage link also carries a digest of the
contact's address, so it stops working once that address changes or is erased.
"""

import hashlib
from datetime import timedelta

from django.core import signing

from pledges.status import Status

VERIFY_SALT = "pledges.verify"
MANAGE_SALT = "pledges.manage"
EMAIL_SALT = "pledges.new-email"
LINK_MAX_AGE = timedelta(days=7)
MANAGE_MAX_AGE = timedelta(days=30)


class BadLink(Exception):
    """The link was altered, is for something else, or has expired; or its pledge has
    been withdrawn, or its address changed, since: which the person holding a genuine
    link should be told plainly."""

    def __init__(self, expired=False, withdrawn=False, address_changed=False):
        self.expired = expired
        self.withdrawn = withdrawn
        self.address_changed = address_changed


def make_token(pledge, salt=VERIFY_SALT):
    return signing.dumps(pledge.pk, salt=salt)


def read_token(token, salt=VERIFY_SALT, max_age=LINK_MAX_AGE):
    """What a token was made from, or BadLink."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink() from None


def _address_digest(pledge):
    return hashlib.sha256(pledge.email.lower().encode()).hexdigest()[:16]


def make_manage_token(pledge):
    return signing.dumps([pledge.pk, _address_digest(pledge)], salt=MANAGE_SALT)


def read_manage_token(token, pledges):
    """The pledge a manage link is for, from the queryset given, or BadLink."""
    payload = read_token(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE)
    if not (isinstance(payload, list) and len(payload) == 2):
        raise BadLink()
    pledge = pledges.filter(pk=payload[0]).first()
    if pledge is None or not pledge.email or _address_digest(pledge) != payload[1]:
        # A withdrawal erases the address the link was bound to: a genuine link (the
        # signature says so) to a withdrawn pledge is told what became of it.
        if pledges.model.objects.filter(pk=payload[0], status=Status.WITHDRAWN).exists():
            raise BadLink(withdrawn=True)
        # A genuine link made for the address the pledge had before: a new link goes to
        # the address it has now, and the holder should know that, not suspect a typo.
        raise BadLink(address_changed=pledge is not None and bool(pledge.email))
    return pledge


def make_email_token(pledge, address):
    """A link for the new address an organisation asked for: it names the address, and
    works only while the pledge still has the address it was asked from."""
    return signing.dumps([pledge.pk, address, _address_digest(pledge)], salt=EMAIL_SALT)


def read_email_token(token, pledges):
    """The pledge and the new address a link is for, from the queryset given, or BadLink."""
    payload = read_token(token, salt=EMAIL_SALT, max_age=LINK_MAX_AGE)
    if not (isinstance(payload, list) and len(payload) == 3):
        raise BadLink()
    pk, address, digest = payload
    pledge = pledges.filter(pk=pk).first()
    if pledge is None or not pledge.email or _address_digest(pledge) != digest:
        raise BadLink()
    return pledge, address
