"""One version number for everything public, so caches and ETags know when to renew.

Every change to what the public can see moves it (the models' signals and transitions
call `changed`); cached pages and figures and the open data's ETags are keyed by it. It
lives in the default cache, which every process shares: Redis when REDIS_URL is set,
otherwise the database.
"""

import time
import uuid

from django.core.cache import cache, caches
from django.db import connection, transaction

VERSION_KEY = "pledges:public-version"


# Each process remembers the shared version for a second, so that a busy page costs
# no round trip to Redis; a change made elsewhere shows within that second. It also
# remembers for a second that the cache could not be reached, so that an outage costs
# one attempt a second, not several on every request.
REMEMBER = 1.0
_remembered = {"version": None, "at": 0.0, "unsure": False}


def forget():
    """Forget what this process remembers, as a new process starts (for tests)."""
    _remembered.update(version=None, at=0.0, unsure=False)


def version():
    """The public version; None when the shared cache cannot be reached.

    Then nothing is served from a cache, as nothing could say when it went stale.
    """
    now = time.monotonic()
    if now - _remembered["at"] < REMEMBER:
        return _remembered["version"]
    current = cache.get(VERSION_KEY)
    # add() answers None only when the cache could not be reached (django-redis).
    if current is None and cache.add(VERSION_KEY, uuid.uuid4().hex, None) is not None:
        current = cache.get(VERSION_KEY)
    if current is None:  # the cache backend has logged why
        caches["pages"].clear()
        _remembered.update(version=None, at=now)
        return None
    if _remembered["unsure"]:
        # A change made here while the cache was unreachable did not move the shared
        # version: move it now, so that no process serves pages or ETags from before.
        _bump()
        return _remembered["version"]
    _remember(current, now)
    return current


def _remember(current, now):
    if current != _remembered["version"]:
        # Pages kept under an older version can never be served again: free them now,
        # rather than let a busy day of approvals fill every process's memory with them.
        caches["pages"].clear()
    _remembered.update(version=current, at=now)


def _bump():
    fresh = uuid.uuid4().hex
    cache.set(VERSION_KEY, fresh, None)
    # Read back: a write to an unreachable cache fails silently. (Another process's
    # bump in between reads as a failure too, which costs one extra bump, no more.)
    _remembered["unsure"] = cache.get(VERSION_KEY) != fresh
    _remember(fresh, time.monotonic())


def changed():
    """Call when anything public changes.

    It moves the version at once and again after the commit, so that a page cached
    by another request between the two (from data not yet committed) is never served.
    Many changes in one transaction (an action on fifty pledges) move it once more only.
    """
    _bump()
    if not any(callback is _bump for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_bump)


def remembered(name, compute, lifetime=300):
    """What `compute()` answers, kept in the shared cache under the public version: worked
    out once after each change, however many pages ask. (The lifetime is a safety net for
    several servers without a shared cache.) Worked out afresh when no cache answers."""
    current = version()
    if current is None:
        return compute()
    key = f"{name}:{current}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, lifetime)
    return value
