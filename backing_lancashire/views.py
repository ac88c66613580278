"""What the whole site answers: robots.txt, the health check and the error pages."""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


# Under /pledge/ only the sign-up form itself is for search engines: the rest are steps
# of one visitor's journey, and the confirmation and manage links carry private tokens
# (those pages also say noindex, see `private_page`).
KEPT_OUT = [
    "/admin/",
    "/pledge/check-your-answers/",
    "/pledge/check-your-email/",
    "/pledge/verify/",
    "/pledge/resend/",
    "/pledge/manage/",
    "/pledge/new-email/",
    "/pledge/withdrawn/",
]


@require_safe
def robots(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in KEPT_OUT),
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """The 500 page; or, when the database cannot be reached, a 503 that says so.

    Django calls this while handling the exception, so the exception is at hand. The
    page is rendered without the request, as Django's own is, so that nothing in it
    needs the database.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        page = loader.render_to_string("503.html")
        return HttpResponse(page, status=503, headers={"Retry-After": "60"})
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    # Usually a form left open too long: offer the same page again, freshly loaded.
    # CSRF is only checked on resolved views, so the path is always one of ours.
    return render(request, "403_csrf.html", {"retry_url": request.path}, status=403)
