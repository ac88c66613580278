"""The impact open data: each public return, and each year's totals, as CSV and JSON.

Only what the impact page and the signatory pages show: the organisation's name, slug
and page, never its contact details; a hidden figure is empty (CSV) or null (JSON).
Each column is defined once, here, for the files and for the /data/ page's schema.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from backing_lancashire.spreadsheet import batched, csv_lines
from impact import stats, years
from impact.measures import MEASURES, SUMMED
from impact.models import ImpactReturn
from pledges.open_data import LICENCE, LICENCE_URL

UNITS = {
    "pounds": "whole pounds",
    "people": "a number of people",
    "fte": "full-time equivalents, to one decimal place",
    "weeks": "weeks",
    "hours": "hours",
    "tonnes": "tonnes of CO₂e, to one decimal place",
    "year": "a year",
    "yes-no": "`yes` or `no` in CSV, true or false in JSON",
    "text": "up to 600 characters",
    "list": "`energy`, `travel`, `waste`, `local-sourcing`, `nature`: a list in JSON, "
    "space-separated in CSV",
}


def return_columns():
    """(name, meaning, in CSV) for each public return."""
    return [
        ("name", "the organisation's name as listed", True),
        ("slug", "its stable identifier, as in its page's address (JSON only)", False),
        ("url", "its page on this site", True),
        ("year", "the reporting year by the year it starts: 2026 is April 2026 to March 2027",
         True),
        ("year_label", "the reporting year as written, such as `2026/27`", True),
        *[
            (
                m.field,
                f"{m.short}: {UNITS[m.unit]}; empty if not reported or hidden by a moderator"
                + (f" (measure: {m.reference})" if m.codes else ""),
                True,
            )
            for m in MEASURES
        ],
    ]  # fmt: skip


def totals_columns():
    """(name, meaning) for each year's totals."""
    return [
        ("year", "the reporting year by the year it starts"),
        ("year_label", "the reporting year as written, such as `2026/27`"),
        ("returns", "how many signatories sent figures for the year"),
        *[
            column
            for field in SUMMED
            for column in (
                (f"{field}_total", f"{MEASURE_SHORT[field]}: the sum of the reported figures"),
                (f"{field}_reported", "how many signatories reported that figure"),
            )
        ],
        ("lancashire_share_pct", "spent with Lancashire suppliers as a percentage of total "
         "spend, over the signatories that reported both"),
        ("north_west_share_pct", "spent with North West suppliers as a percentage of total "
         "spend, over the signatories that reported both"),
        ("living_wage_share_pct", "people paid at least the real Living Wage as a percentage "
         "of people employed, over the signatories that reported both"),
        ("living_wage_accredited", "how many signatories said they are accredited by the "
         "Living Wage Foundation"),
    ]  # fmt: skip


MEASURE_SHORT = {m.field: m.short for m in MEASURES}


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def returns(csv=False):
    """Every public return, newest year first, then by name: a tuple of cells each."""
    page = settings.SITE_URL + reverse("pledges:detail", args=["slug"]).removesuffix("slug/")
    fields = [m.field for m in MEASURES]
    rows = (
        ImpactReturn.objects.counted()
        .order_by("-year", "pledge__name", "pk")
        .values_list("pledge__name", "pledge__slug", "year", "hidden", *fields)
    )
    for name, slug, year, hidden, *values in rows.iterator(chunk_size=2000):
        cells = [
            _cell(field, None if field in hidden else value, csv)
            for field, value in zip(fields, values, strict=True)
        ]
        head = [name] + ([] if csv else [slug]) + [f"{page}{slug}/", year, years.label(year)]
        yield tuple(head + cells)


def _cell(field, value, csv):
    if field == "environment_categories":
        value = value or []
        return " ".join(value) if csv else value
    if field == "environment_account" and not value:
        return "" if csv else None
    if isinstance(value, bool):
        return ("yes" if value else "no") if csv else value
    if value is None:
        return "" if csv else None
    return value if csv else _number(value)


def totals():
    """Each year's totals as a tuple of cells, in totals_columns' order."""
    for year in stats.by_year():
        figures = year["by_field"]
        shares = year["shares"]
        yield (
            year["year"],
            year["label"],
            year["returns"],
            *[
                cell
                for field in SUMMED
                for cell in (figures[field]["total"], figures[field]["reported"])
            ],
            shares["lancashire"],
            shares["north_west"],
            shares["living_wage"],
            year["accredited"],
        )


def csv_chunks():
    names = [name for name, _, in_csv in return_columns() if in_csv]
    return csv_lines(names, returns(csv=True))


def totals_csv_chunks():
    rows = ([_blank(cell) for cell in row] for row in totals())
    return csv_lines([name for name, _ in totals_columns()], rows)


def _blank(cell):
    return "" if cell is None else cell


def json_chunks():
    head = {
        "title": "Backing Lancashire impact returns",
        "source": settings.SITE_URL + reverse("impact:index"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "documentation": settings.SITE_URL + reverse("campaign:data"),
        "note": "Self-reported by each organisation; not verified by Lancashire Constabulary "
        "or the Police and Crime Commissioner.",
        "generated": timezone.now().isoformat(timespec="seconds"),
    }
    total_names = [name for name, _ in totals_columns()]
    years_ = [
        {name: _number(cell) for name, cell in zip(total_names, row, strict=True)}
        for row in totals()
    ]
    yield json.dumps(head)[:-1] + ', "totals": ' + json.dumps(years_) + ', "returns": ['
    names = [name for name, _, _ in return_columns()]
    count = 0
    for rows in batched(returns(), size=1000):
        records = (dict(zip(names, row, strict=True)) for row in rows)
        yield ("," if count else "") + ",".join(map(json.dumps, records))
        count += len(rows)
    yield f'], "count": {count}}}\n'
