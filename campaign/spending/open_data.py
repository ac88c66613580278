"""The computed spend figures as open data: one CSV row per figure, and the same as JSON."""

from campaign.spending.figures import PLACES, percent

# Each column, with what it holds: the CSV, the JSON and the /data/ page read this.
COLUMNS = [
    ("period", "`latest` (the latest twelve months) or a financial year, e.g. `2025-26`"),
    ("period_label", "the period in words"),
    ("first_month", "its first month (YYYY-MM)"),
    ("last_month", "its last month (YYYY-MM)"),
    (
        "complete",
        "`true` when every month of the period has payments imported, else `false`",
    ),
    (
        "breakdown",
        "`total`; `where` (by where the supplier is); `council_area` (spend with suppliers "
        "in each of Lancashire's fourteen council areas); `month` and `month_lancashire` "
        "(each month's spend, and its spend with Lancashire suppliers); `category` (the "
        "files' expense types, largest first); `signatories` (spend with Backing "
        "Lancashire signatories, and how many were paid)",
    ),
    (
        "item",
        "what the row counts: for `where` one of "
        + ", ".join(f"`{key}`" for key in PLACES)
        + "; a council area; a month (YYYY-MM); an expense type; `paid` or `signatories_paid`",
    ),
    ("value", "the amount in pounds, or for `signatories_paid` a number of signatories"),
    ("unit", "`GBP` or `signatories`"),
    ("share_percent", "the value as a share of the period's total spend, or empty"),
]


def rows(periods):
    for p in periods:
        head = [p.slug, p.label, f"{p.first:%Y-%m}", f"{p.last:%Y-%m}", str(p.complete).lower()]

        def row(breakdown, item, value, share=None, unit="GBP", head=head):
            # Pounds always with their pence, whatever the database summed them as.
            value = f"{value:.2f}" if unit == "GBP" else value
            return [*head, breakdown, item, value, unit, "" if share is None else share]

        yield row("total", "total", p.total, 100 if p.total else None)
        for part in p.places:
            yield row("where", part.key, part.amount, part.share)
        for tile in p.tiles:
            amount = p.councils.get(tile.district, 0)
            yield row("council_area", tile.district.label, amount, percent_of(amount, p))
        for month, total, lancashire in p.by_month:
            yield row("month", f"{month:%Y-%m}", total, percent_of(total, p))
            yield row("month_lancashire", f"{month:%Y-%m}", lancashire, percent_of(lancashire, p))
        for part in p.categories:
            yield row("category", part.label, part.amount, part.share)
        yield row("signatories", "paid", p.with_signatories, p.with_signatories_share)
        yield row("signatories", "signatories_paid", p.signatories, unit="signatories")


def percent_of(amount, p):
    return percent(amount, p.total)


def as_json(periods):
    names = [name for name, _ in COLUMNS]
    return {
        "licence": "Open Government Licence v3.0",
        "fields": dict(COLUMNS),
        "figures": [dict(zip(names, row, strict=True)) for row in rows(periods)],
    }
