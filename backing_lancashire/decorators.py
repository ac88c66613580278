"""Decorators for views: the page cache, and the headers of private pages."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from backing_lancashire import freshness

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
        current = freshness.version()
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
                if callable(getattr(response, "render", None)):
                    response.render()  # a TemplateResponse (a sitemap) is kept as sent
                pages.set(key, response, PAGE_LIFETIME)
        return response

    return wrapped


def private_page(view):
    """For a page whose address holds a private token (a confirmation or manage link):
    no browser or proxy keeps it, no search engine indexes it, and no link followed
    from it carries the address on in a Referer header.

    Its forms are exempt from the CSRF check. Under no-referrer, browsers send a form's
    POST with `Origin: null` and no Referer, which Django's check must refuse; and the
    check would add nothing here, as the token in the address is the credential: a
    cross-site page could post only with a token its author already has, and could use
    it without anyone's browser.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # includes no-store
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return csrf_exempt(wrapped)
