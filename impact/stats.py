"""The impact page's totals: one aggregate query over every counted return, by year,
cached under the public version (backing_lancashire.freshness) as pledges.stats is.

A hidden figure counts nowhere: each sum and count takes a figure only where it was
given and no moderator has hidden it. `hidden` is a JSON list; read as text it holds
each hidden field's name in quotes, which both SQLite and PostgreSQL can look for.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum, TextField
from django.db.models.functions import Cast

from backing_lancashire.freshness import remembered
from campaign.templatetags.site_tags import pounds_short
from impact import years
from impact.measures import ENVIRONMENT_CATEGORIES, MEASURE, SUMMED
from impact.models import ImpactReturn

LIFETIME = 300

# The shares the page works out: a part over its whole, from returns giving both.
SHARES = [
    ("lancashire", "lancashire_spend", "total_spend"),
    ("north_west", "north_west_spend", "total_spend"),
    ("living_wage", "living_wage_employees", "employees"),
]
CHARTS = [
    (
        "spend",
        "Spending with suppliers",
        ["total_spend", "north_west_spend", "lancashire_spend", "small_firms_spend", "vcse_spend"],
    ),
    (
        "people",
        "Jobs and pay",
        ["employees", "living_wage_employees", "new_jobs", "apprenticeships", "inclusive_hires"],
    ),
]


def shown(field):
    """Where `field` counts: given, and not hidden."""
    return Q(**{f"{field}__isnull": False}) & ~Q(hidden_text__contains=f'"{field}"')


def by_year():
    """Each reporting year's totals, newest first; cached until anything public changes."""
    return remembered("impact:totals", _count, LIFETIME)


def _count():
    sums = {}
    for field in SUMMED:
        sums[f"{field}__sum"] = Sum(field, filter=shown(field))
        sums[f"{field}__n"] = Count("pk", filter=shown(field))
    for name, part, whole in SHARES:
        both = shown(part) & shown(whole)
        sums[f"{name}__part"] = Sum(part, filter=both)
        sums[f"{name}__whole"] = Sum(whole, filter=both)
    accredited = shown("living_wage_accredited")
    sums["accredited__n"] = Count("pk", filter=accredited & Q(living_wage_accredited=True))
    sums["accredited__answered"] = Count("pk", filter=accredited)
    categories = shown("environment_categories")
    for value, _ in ENVIRONMENT_CATEGORIES:
        sums[f"category_{value}"] = Count(
            "pk", filter=categories & Q(categories_text__contains=f'"{value}"')
        )
    rows = (
        ImpactReturn.objects.counted()
        .alias(
            hidden_text=Cast("hidden", TextField()),
            categories_text=Cast("environment_categories", TextField()),
        )
        .values("year")
        .order_by("-year")
        .annotate(returns=Count("pk"), **sums)
    )
    return [_year(row) for row in rows]


def _year(row):
    figures = [
        {
            "field": field,
            "label": MEASURE[field].short,
            "unit": MEASURE[field].unit,
            "total": row[f"{field}__sum"] or 0,
            "reported": row[f"{field}__n"],
        }
        for field in SUMMED
    ]
    by_field = {figure["field"]: figure for figure in figures}
    shares = {}
    for name, _, _ in SHARES:
        whole = row[f"{name}__whole"]
        shares[name] = (
            (Decimal(row[f"{name}__part"]) * 100 / whole).quantize(Decimal("0.1"))
            if whole
            else None
        )
    return {
        "year": row["year"],
        "label": years.label(row["year"]),
        "returns": row["returns"],
        "figures": figures,
        "by_field": by_field,
        "shares": shares,
        "accredited": row["accredited__n"],
        "accreditation_answered": row["accredited__answered"],
        "categories": [
            (label, row[f"category_{value}"]) for value, label in ENVIRONMENT_CATEGORIES
        ],
        "charts": [
            {"slug": slug, "title": title, "figures": [by_field[f] for f in fields]}
            for slug, title, fields in CHARTS
        ],
    }


def headline(totals):
    """ "In 2026/27, 143 signatories reported £12.4m spent with Lancashire suppliers, 61
    apprenticeships started and 8,200 volunteering hours." Only figures someone reported."""
    figures = totals["by_field"]
    parts = []
    if figures["lancashire_spend"]["reported"]:
        parts.append(f"{pounds_short(figures['lancashire_spend']['total'])} spent with "
                     "Lancashire suppliers")  # fmt: skip
    if figures["apprenticeships"]["reported"]:
        n = figures["apprenticeships"]["total"]
        parts.append(f"{n:,} apprenticeship{'s' if n != 1 else ''} started")
    if figures["volunteering_hours"]["reported"]:
        n = figures["volunteering_hours"]["total"]
        parts.append(f"{n:,} volunteering hour{'s' if n != 1 else ''}")
    n = totals["returns"]
    who = f"{n:,} signator{'ies' if n != 1 else 'y'}"
    if not parts:
        return f"In {totals['label']}, {who} reported."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"In {totals['label']}, {who} reported {listed}."
