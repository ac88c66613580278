"""One version number for everything public, so caches and ETags know when to renew.

Every change to what the public can see bumps it; cached figures and the open
data's ETags are keyed by it.
"""

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

VERSION_KEY = "pledges:public-version"


def _lifetime():
    # A cache in local memory is one per process, and a change seen by one gunicorn
    # worker never reaches the others: there the version lapses after a minute, so
    # no worker serves stale pages or ETags for longer. Redis is shared: no lapse.
    backend = settings.CACHES["default"]["BACKEND"]
    return 60 if backend.endswith("LocMemCache") else None


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
    if current is None and cache.add(VERSION_KEY, uuid.uuid4().hex, _lifetime()) is not None:
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
    cache.set(VERSION_KEY, fresh, _lifetime())
    # Read back: a write to an unreachable cache fails silently. (Another process's
    # bump in between reads as a failure too, which costs one extra bump, no more.)
    _remembered["unsure"] = cache.get(VERSION_KEY) != fresh
    _remember(fresh, time.monotonic())


def changed():
    """Call after anything public changes.

    It moves the version at once and again after the commit, so that a page cached
    by another request between the two (from data not yet committed) is never served.
    """
    _bump()
    transaction.on_commit(_bump)


PAGE_LIFETIME = 300  # a safety net for several servers without a shared cache


def cached_page(view):
    """Serve an anonymous visitor's GET from the cache, renewed whenever the public version moves.

    Only plain pages are kept: a response that sets a cookie (a CSRF token, a message)
    or streams is always made afresh, and a visitor with a session always gets their own.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        current = version()
        if current is None:
            return view(request, *args, **kwargs)
        path = request.get_full_path()
        key = "page:" + hashlib.sha256(f"{current}:{path}".encode()).hexdigest()
        # Pages are kept in this process's memory: the shared version says when to renew.
        pages = caches["pages"]
        response = pages.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                pages.set(key, response, PAGE_LIFETIME)
        return response

    return wrapped
