"""The spend figures, computed from the imported payments: what /spend/ shows.

Each payment counts once, in one place: with a public body; else where its supplier is
(Lancashire's fourteen council areas, the rest of the North West, elsewhere); else not
yet located. A payment redacted at source is counted in the total and shown as such:
it can never be located. Credit notes net off. A supplier that is a person is only ever
in these sums, never named.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, CharField, F, Q, Sum, Value, When
from django.db.models.functions import TruncDate, TruncMonth

from backing_lancashire import freshness, postcodes
from campaign.models import Area, Payment, Supplier
from campaign.spending.changes import spend_version
from pledges.models import District, Pledge
from pledges.tilemap import tiles

ZERO = Decimal(0)
# Where a payment's money went, in the order the page lists them.
PLACES = {
    Area.LANCASHIRE.value: "Lancashire suppliers",
    Area.NORTH_WEST.value: "Suppliers elsewhere in the North West",
    Area.ELSEWHERE.value: "Suppliers outside the North West",
    "public": "Public bodies",
    "unlocated": "Suppliers not yet located",
    "redacted": "Redacted at source (payments to people)",
}
LOCATED = [Area.LANCASHIRE.value, Area.NORTH_WEST.value, Area.ELSEWHERE.value, "public"]
TOP_CATEGORIES = 8


@dataclass
class Part:
    key: str
    label: str
    amount: Decimal
    share: Decimal | None  # of the whole period's spend, 0–100


@dataclass
class Period:
    slug: str
    label: str
    first: date  # the first day of its first month
    months: list  # the first day of each month, twelve of them
    total: Decimal = ZERO
    places: list = field(default_factory=list)
    by_month: list = field(default_factory=list)  # (month, total, with Lancashire suppliers)
    councils: dict = field(default_factory=dict)  # District: amount
    categories: list = field(default_factory=list)
    signatories: int = 0
    with_signatories: Decimal = ZERO
    with_signatories_share: Decimal | None = None
    months_with_payments: int = 0

    @property
    def complete(self):
        return self.months_with_payments == len(self.months)

    @property
    def located(self):
        """The share of the spend whose suppliers are located (or are public bodies)."""
        return percent(sum((p.amount for p in self.places if p.key in LOCATED), ZERO), self.total)

    @property
    def local(self):
        """Of the located spend with businesses, the share with Lancashire suppliers."""
        parts = {p.key: p.amount for p in self.places}
        located = sum((parts.get(key, ZERO) for key in LOCATED[:3]), ZERO)
        return percent(parts.get(Area.LANCASHIRE.value, ZERO), located)

    @property
    def lancashire(self):
        return next((p for p in self.places if p.key == Area.LANCASHIRE.value), None)

    @property
    def tiles(self):
        return tiles(self.councils)

    @property
    def tiles_by_spend(self):
        return sorted(self.tiles, key=lambda tile: (-tile.count, tile.district.label))

    @property
    def last(self):
        return self.months[-1]


# A payment whose place is known: to a public body (a share of its own wherever it is),
# or to a supplier with a council area. Redacted payments never are.
LOCATED_PAYMENT = Q(supplier__kind=Supplier.Kind.PUBLIC) | (
    Q(supplier__isnull=False) & ~Q(supplier__area="")
)


def located_share():
    """How much of all the spend is located, for the staff's queue: as the page counts it."""
    totals = Payment.objects.aggregate(
        all=Sum("amount"), located=Sum("amount", filter=LOCATED_PAYMENT)
    )
    whole, located = totals["all"] or ZERO, totals["located"] or ZERO
    return {"total": whole, "located": located, "share": percent(located, whole)}


def percent(part, whole):
    if not whole:
        return None
    share = (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
    return share if share else Decimal("0.0")  # never "-0.0"


def add_months(day, n):
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def financial_year(day):
    """The April–March year a day falls in, by its first day."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


# The cache outlives a deploy: a change to the shape of what is kept under it changes
# its name, or the new code would read the old shape.
SUMS = "spend:sums:3"
SIGNATORIES = "spend:signatories:1"


def periods():
    """Every period with payments: the latest twelve months, then each financial year,
    newest first.

    The payments' sums change only with the spending data (an import, a deletion, a
    supplier located): they are kept under the spending version, so that a pledge
    approved elsewhere costs them no new sum over every payment. Which suppliers are
    signatories changes with the pledges: that smaller sum is kept under the public
    version.
    """
    sums = remembered(
        SUMS,
        lambda: (places_by_month(), categories_by_month(), published_months()),
        spend_version(),
    )
    paid = freshness.remembered(SIGNATORIES, signatories_by_month, lifetime=3600)
    return build(*sums, paid)


def remembered(name, compute, version):
    """What `compute()` answers, kept under the spending version (worked out afresh when
    no cache answers)."""
    if version is None:
        return compute()
    key = f"{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, 24 * 3600)
    return value


def compute():
    """The periods, worked out afresh (for tests and the benchmark)."""
    return build(
        places_by_month(), categories_by_month(), published_months(), signatories_by_month()
    )


def places_by_month():
    where = Case(
        When(supplier=None, then=Value("redacted")),
        When(supplier__kind=Supplier.Kind.PUBLIC, then=Value("public")),
        When(supplier__area="", then=Value("unlocated")),
        default=F("supplier__area"),
        output_field=CharField(),
    )
    council = Case(
        When(supplier__area=Area.LANCASHIRE, then=F("supplier__council")),
        default=Value(""),
        output_field=CharField(),
    )
    return list(
        Payment.objects.annotate(month=TruncMonth("paid_on"), where=where, council=council)
        .values("month", "where", "council")
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def categories_by_month():
    return list(
        Payment.objects.annotate(month=TruncMonth("paid_on"))
        .values("month", "expense_type")
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def signatories_by_month():
    """Spend with signatories: organisations whose pledge is current, paid on or after
    the day it was approved (spend from before they signed is not theirs to claim)."""
    return list(
        Payment.objects.filter(
            supplier__pledge__status=Pledge.Status.APPROVED,
            paid_on__gte=TruncDate("supplier__pledge__approved_at"),
        )
        .annotate(month=TruncMonth("paid_on"), signatory=F("supplier__pledge"))
        .values("month", "signatory")
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def published_months():
    """(month, publisher) for every month each publisher has payments in."""
    return list(
        Payment.objects.annotate(month=TruncMonth("paid_on"))
        .values_list("month", "publisher")
        .distinct()
        .order_by()
    )


def build(rows, categories, published, signatories):
    if not rows:
        return []
    latest = max(as_date(row["month"]) for row in rows)
    result = [period("latest", "The latest twelve months", add_months(latest, -11))]
    years = sorted({financial_year(as_date(row["month"])) for row in rows}, reverse=True)
    for first in years:
        label = f"{first.year}/{str(first.year + 1)[2:]}"
        result.append(period(f"{first.year}-{str(first.year + 1)[2:]}", label, first))
    for each in result:
        fill(each, rows, categories, signatories)
        each.months_with_payments = complete_months(each, published)
    return result


def complete_months(p, published):
    """How many of the period's months every publisher of the period has published: a
    year missing the force's March is not complete, whatever the OPCC's files hold."""
    published = {(as_date(month), publisher) for month, publisher in published}
    publishers = {publisher for month, publisher in published if month in p.months}
    return sum(
        1 for month in p.months if publishers and all((month, x) in published for x in publishers)
    )


def as_date(month):
    # TruncMonth answers a date on PostgreSQL and SQLite alike for a DateField.
    return month if type(month) is date else month.date()


def period(slug, label, first):
    return Period(slug, label, first, [add_months(first, n) for n in range(12)])


def fill(p, rows, categories, signatories):
    months = set(p.months)
    places = defaultdict(Decimal)
    monthly = defaultdict(lambda: [ZERO, ZERO])
    councils = defaultdict(Decimal)
    for row in rows:
        month = as_date(row["month"])
        if month not in months:
            continue
        places[row["where"]] += row["amount"]
        monthly[month][0] += row["amount"]
        if row["where"] == Area.LANCASHIRE.value:
            monthly[month][1] += row["amount"]
            district = postcodes.LANCASHIRE.get(row["council"])
            if district is not None:
                councils[District(district)] += row["amount"]
    p.total = sum(places.values(), ZERO)
    p.places = [
        Part(key, label, places[key], percent(places[key], p.total))
        for key, label in PLACES.items()
    ]
    p.by_month = [(month, *monthly.get(month, (ZERO, ZERO))) for month in p.months]
    p.councils = dict(councils)
    kinds = defaultdict(Decimal)
    for row in categories:
        if as_date(row["month"]) in months:
            kinds[row["expense_type"] or "Not given"] += row["amount"]
    ranked = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
    p.categories = [Part(name, name, amount, percent(amount, p.total)) for name, amount in ranked]
    if len(ranked) > TOP_CATEGORIES:
        rest = sum((amount for _, amount in ranked[TOP_CATEGORIES:]), ZERO)
        p.categories = p.categories[:TOP_CATEGORIES] + [
            Part("rest", "Everything else", rest, percent(rest, p.total))
        ]
    paid = defaultdict(Decimal)
    for row in signatories:
        if as_date(row["month"]) in months:
            paid[row["signatory"]] += row["amount"]
    p.signatories = len(paid)
    p.with_signatories = sum(paid.values(), ZERO)
    p.with_signatories_share = percent(p.with_signatories, p.total)


def headline():
    """The latest complete financial year, for the home page; None until there is one
    (or while its spend nets to nothing)."""
    return next((p for p in periods()[1:] if p.complete and p.total > 0), None)
