"""Changes to the spending data: one at a time, and each moving the spending version, so
that the spend figures' sums are worked out afresh then, and only then."""

import uuid

from django.core.cache import cache
from django.db import connection, transaction

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


# Any number: the key of the lock only changes to the spending data take.
LOCK = 16_000_001


def one_at_a_time():
    """Wait for any other import, merge or postcode list to finish: two at once could each
    find the same payment or supplier new, or pay a supplier being merged away. (SQLite
    writes one transaction at a time anyway.) Call inside the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
