"""The limits that keep bots and floods out."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from backing_lancashire.client import client_key


def too_many(request, *, downloads=False):
    title = "Too many downloads" if downloads else "Too many attempts"
    return render(request, "429.html", {"title": title, "downloads": downloads}, status=429)


def over_limit(request, group, times=1):
    """Count this POST against the client's allowance for `group`, and say if it is spent.

    `times` scales the allowance, for a looser limit on the same clock.
    """
    return _spent(request, group, settings.PLEDGE_RATE_LIMIT, times=times, method="POST")


def limit_downloads(view):
    """Answer 429 to a client that asks for the whole open data (or the sitemap, or the
    feed) more often than DOWNLOAD_RATE_LIMIT allows. Put it inside `condition`, so that a
    conditional GET answered 304, which costs nothing, is not counted."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _spent(request, "downloads", settings.DOWNLOAD_RATE_LIMIT, method=ALL):
            return too_many(request, downloads=True)
        return view(request, *args, **kwargs)

    return wrapped


def _spent(request, group, rate, *, times=1, method):
    if rate is None:
        return False
    key = client_key(request)
    count, period = rate.split("/")
    return is_ratelimited(
        request,
        group=group,
        key=lambda group, request: key,
        rate=f"{int(count) * times}/{period}",
        method=method,
        increment=True,
    )
