import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backing_lancashire.spreadsheet import csv_response
from campaign.charts import bar_chart
from campaign.content import THEMES, pledge_text
from campaign.models import SpendFigure, Testimonial
from pledges import freshness, stats
from pledges.models import Pledge

log = logging.getLogger(__name__)


@require_safe
@freshness.cached_page
def home(request):
    return render(
        request,
        "campaign/home.html",
        {
            "title": "The pledge for local spending, jobs and the environment",
            "description": "Organisations across Lancashire pledge to spend locally, pay the "
            "real Living Wage, create jobs and protect the environment.",
            "pledge": pledge_text(),
            "figures": SpendFigure.objects.published(),
            "testimonials": Testimonial.objects.published(),
            "themes": THEMES,
            "impact": stats.impact(),
            "newest": Pledge.objects.for_public_display().order_by("-approved_at", "-pk")[:6],
        },
    )


@require_safe
def social_value(request):
    return render(
        request,
        "campaign/social_value.html",
        {
            "title": "Social value: the five themes",
            "description": "The five social value themes that Backing Lancashire signatories "
            "commit to, and what each means for an organisation.",
            "themes": THEMES,
        },
    )


@require_safe
@freshness.cached_page
def spend(request):
    figures = list(SpendFigure.objects.published())
    return render(
        request,
        "campaign/spend.html",
        {
            "title": "Spend statistics",
            "description": "How much Lancashire Constabulary spends within Lancashire: "
            "a chart, a table and a CSV download.",
            "figures": figures,
            "chart": bar_chart(figures),
        },
    )


@require_safe
def spend_csv(request):
    rows = (
        (figure.label, figure.amount, figure.headline) for figure in SpendFigure.objects.published()
    )
    return csv_response(
        "backing-lancashire-spend.csv", ["figure", "amount_gbp", "description"], rows
    )


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
