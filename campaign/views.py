from django.shortcuts import render
from django.views.decorators.http import require_safe

from backing_lancashire.decorators import cached_page
from backing_lancashire.spreadsheet import csv_response
from campaign.charts import bar_chart
from campaign.models import SpendFigure, Testimonial
from pledges import stats
from pledges.models import Pledge
from pledges.themes import THEMES
from pledges.wording import pledge_text


@require_safe
@cached_page
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
@cached_page
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
