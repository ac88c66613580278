"""Demo impact returns for seeded signatories: a realistic share of them report, over the
last three reporting years, figures that keep every rule of ImpactReturn.clean."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from impact import years
from impact.measures import ENVIRONMENT_CATEGORIES
from impact.models import ImpactReturn
from pledges.themes import THEMES

BATCH = 2000
# About half of signatories report in a year, fewer the further back.
SHARE = [0.5, 0.4, 0.3]
STAFF = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 2000)}
CATEGORIES = [value for value, _ in ENVIRONMENT_CATEGORIES]
ACCOUNTS = [
    "We switched our premises to a renewable electricity tariff.",
    "Staff travel by bike and train is now paid for, and our vans are electric.",
    "We recycle or reuse nine tenths of our waste.",
    "We buy our ingredients from farms within thirty miles.",
    "We planted a wildflower meadow on our land with local volunteers.",
]
FIELDS = ["commits_" + theme.slug.replace("-", "_") for theme in THEMES]


def seed_returns(pledges, rng):
    """Give a share of `pledges` (Pledge objects or a queryset) returns for the last three
    reporting years, in bulk; answers how many were made."""
    columns = ("pk", "size", "submitted_at", *FIELDS)
    if hasattr(pledges, "values_list"):
        pledges = pledges.values_list(*columns).iterator(chunk_size=BATCH)
    else:
        pledges = (
            (p.pk, p.size, p.submitted_at, *(getattr(p, f) for f in FIELDS)) for p in pledges
        )
    latest = years.current()
    made, batch = 0, []
    for pk, size, signed, *commits in pledges:
        for back, share in enumerate(SHARE):
            year = latest - back
            # Only for a year it had signed in, and sent after it signed.
            if timezone.localdate(signed) < date(year + 1, 4, 1) and rng.random() < share:
                made_return = _return(pk, size, dict(zip(FIELDS, commits, strict=True)), year, rng)
                made_return.submitted_at = max(made_return.submitted_at, signed)
                batch.append(made_return)
        if len(batch) >= BATCH:
            made += len(ImpactReturn.objects.bulk_create(batch, batch_size=BATCH))
            batch = []
    if batch:
        made += len(ImpactReturn.objects.bulk_create(batch, batch_size=BATCH))
    return made


def _return(pk, size, commits, year, rng):
    staff = rng.randint(*STAFF.get(size, (1, 9)))
    figures = {}
    if commits["commits_local_spend"]:
        total = staff * rng.randint(5_000, 60_000)
        north_west = int(total * rng.uniform(0.3, 0.9))
        figures.update(
            total_spend=total,
            north_west_spend=north_west,
            lancashire_spend=int(north_west * rng.uniform(0.4, 0.95)),
            small_firms_spend=int(total * rng.uniform(0.1, 0.6)),
            vcse_spend=int(total * rng.uniform(0, 0.1)),
        )
    if commits["commits_living_wage"]:
        accredited = rng.random() < 0.4
        figures.update(
            employees=staff,
            living_wage_employees=staff if rng.random() < 0.7 else rng.randint(0, staff),
            living_wage_accredited=accredited,
            accredited_since=rng.randint(2012, year) if accredited else None,
        )
    if commits["commits_jobs"]:
        apprentices = rng.randint(0, max(1, staff // 10))
        figures.update(
            new_jobs=Decimal(rng.randint(0, max(1, staff // 5) * 10)) / 10,
            apprenticeships=apprentices,
            apprenticeship_weeks=min(apprentices * rng.randint(20, 52), staff * 52)
            if "employees" in figures
            else apprentices * rng.randint(20, 52),
            inclusive_hires=rng.randint(0, 3),
        )
    if commits["commits_volunteering"]:
        figures["volunteering_hours"] = staff * rng.randint(0, 16)
    if commits["commits_environment"]:
        figures.update(
            environment_account=rng.choice(ACCOUNTS),
            environment_categories=sorted(rng.sample(CATEGORIES, rng.randint(1, 3))),
            co2e_tonnes=Decimal(rng.randint(0, 500)) / 10 if rng.random() < 0.5 else None,
        )
    sent = timezone.now() - timedelta(days=365 * (years.current() - year) + rng.randint(0, 60))
    return ImpactReturn(pledge_id=pk, year=year, submitted_at=sent, **figures)
