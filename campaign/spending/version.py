"""The spending version: moved by every change to the payments or the suppliers, so
that the spend figures' sums are worked out afresh then, and only then."""

import uuid

from django.core.cache import cache
from django.db import transaction

from backing_lancashire import freshness

VERSION_KEY = "spend:version"


def spend_version():
    current = cache.get(VERSION_KEY)
    if current is None and cache.add(VERSION_KEY, uuid.uuid4().hex, None) is not None:
        current = cache.get(VERSION_KEY)
    return current


def spending_changed():
    """Call when payments or suppliers change: the sums are worked out afresh, now and
    once the change commits (a sum made in between, from the data before, is never kept)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))
    freshness.changed()
