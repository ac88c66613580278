"""One version number for everything public, so caches and ETags know when to renew.

Every change to what the public can see bumps it; cached figures and the open
data's ETags are keyed by it.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "pledges:public-version"


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        current = cache.get(VERSION_KEY) or "unknown"
    return current


def changed():
    """Call after anything public changes; inside a transaction it waits for the commit."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))
