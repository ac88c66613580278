from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import condition, require_safe

from backing_lancashire import postcodes
from backing_lancashire.decorators import cached_page
from backing_lancashire.spreadsheet import csv_response
from campaign import charts
from campaign.charts import bar_chart
from campaign.models import SpendFigure, Testimonial
from campaign.spending import figures as spend_figures
from campaign.spending import open_data as spend_data
from impact import open_data as impact_data
from pledges import open_data, stats, tilemap
from pledges.models import Pledge
from pledges.themes import THEMES
from pledges.views import public_etag
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
            "measured": spend_figures.headline(),
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
    yearly = [figure for figure in figures if figure.is_yearly]
    periods = spend_figures.periods()
    chosen = request.GET.get("period", "")
    period = next((p for p in periods if p.slug == chosen), periods[0] if periods else None)
    return render(
        request,
        "campaign/spend.html",
        {
            "title": "Spend statistics" + (f": {period.label}" if chosen and period else ""),
            "description": "How much Lancashire Constabulary spends with Lancashire suppliers, "
            "computed every month from its published spending, with the method and downloads.",
            "periods": periods,
            "period": period,
            "places_chart": bar_chart(period.places, value=lambda part: part.amount)
            if period
            else None,
            "categories_chart": bar_chart(period.categories) if period else None,
            "trend": charts.monthly(period.by_month) if period else None,
            "map_size": (tilemap.WIDTH, tilemap.HEIGHT),
            "tile_size": tilemap.TILE,
            "attribution": postcodes.ATTRIBUTION,
            "figures": figures,
            "yearly": yearly,
            "one_off": [figure for figure in figures if not figure.is_yearly],
            # Only totals of like periods share an axis: a one-off sum beside a year's
            # spending would look like a share of it.
            "chart": bar_chart(yearly),
        },
    )


# The spend CSV's columns, with what each holds: the CSV and the /data/ page read this.
SPEND_COLUMNS = [
    ("figure", "the figure's short name"),
    ("amount_gbp", "the amount in pounds"),
    ("kind", "`yearly` (a total for one year) or `one-off` (a single project)"),
    ("period", "what the figure covers"),
    ("source", "where the figure comes from"),
    ("source_url", "the address of the source, or empty"),
    (
        "last_updated",
        "the date the figure is up to date to, as its source gives it (YYYY-MM-DD), "
        "or empty where the source gives none",
    ),
    ("description", "the figure as a sentence"),
]


@require_safe
def spend_csv(request):
    rows = (
        (
            figure.label,
            figure.amount,
            figure.kind,
            figure.period,
            figure.source,
            figure.source_url,
            figure.updated_on.isoformat() if figure.updated_on else "",
            figure.headline,
        )
        for figure in SpendFigure.objects.published()
    )
    return csv_response("backing-lancashire-spend.csv", [name for name, _ in SPEND_COLUMNS], rows)


@require_safe
@condition(etag_func=public_etag)
def local_spend_csv(request):
    return csv_response(
        "backing-lancashire-local-spend.csv",
        [name for name, _ in spend_data.COLUMNS],
        spend_data.rows(spend_figures.periods()),
    )


@require_safe
@condition(etag_func=public_etag)
def local_spend_json(request):
    response = JsonResponse(spend_data.as_json(spend_figures.periods()))
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_safe
@cached_page
def data(request):
    return render(
        request,
        "campaign/data.html",
        {
            "title": "Open data",
            "description": "Every Backing Lancashire download, what each field holds, and "
            "the Open Government Licence they are published under.",
            "signatory_columns": open_data.columns(),
            "spend_columns": SPEND_COLUMNS,
            "local_spend_columns": spend_data.COLUMNS,
            "postcode_attribution": postcodes.ATTRIBUTION,
            "impact_columns": impact_data.return_columns(),
            "impact_totals_columns": impact_data.totals_columns(),
            "licence": open_data.LICENCE,
            "licence_url": open_data.LICENCE_URL,
        },
    )
