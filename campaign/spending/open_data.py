"""The computed spend figures as open data: one CSV row per figure, and the same as JSON."""

from decimal import Decimal

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


def records(periods):
    """Each figure as a record of typed values: Decimals in pounds (with their pence),
    a whole number of signatories, True or False."""
    for p in periods:
        head = {
            "period": p.slug,
            "period_label": p.label,
            "first_month": f"{p.first:%Y-%m}",
            "last_month": f"{p.last:%Y-%m}",
            "complete": p.complete,
        }

        def record(breakdown, item, value, share=None, unit="GBP", head=head):
            # Pounds always with their pence, whatever the database summed them as.
            value = Decimal(value).quantize(PENCE) if unit == "GBP" else value
            return {**head, "breakdown": breakdown, "item": item, "value": value,
                    "unit": unit, "share_percent": share}  # fmt: skip

        yield record("total", "total", p.total, Decimal(100) if p.total else None)
        for part in p.places:
            yield record("where", part.key, part.amount, part.share)
        for tile in p.tiles:
            amount = p.councils.get(tile.district, 0)
            yield record("council_area", tile.district.label, amount, percent(amount, p.total))
        for month, total, lancashire in p.by_month:
            yield record("month", f"{month:%Y-%m}", total, percent(total, p.total))
            yield record(
                "month_lancashire", f"{month:%Y-%m}", lancashire, percent(lancashire, p.total)
            )
        for part in p.categories:
            yield record("category", part.label, part.amount, part.share)
        yield record("signatories", "paid", p.with_signatories, p.with_signatories_share)
        yield record("signatories", "signatories_paid", p.signatories, unit="signatories")


PENCE = Decimal("0.01")


def rows(periods):
    """The CSV's rows. Numbers stay numbers (a net credit "-434.50" is not a formula to
    neutralise); `complete` is written true or false."""
    for record in records(periods):
        cells = [record[name] for name, _ in COLUMNS]
        cells[4] = str(record["complete"]).lower()
        yield ["" if cell is None else cell for cell in cells]


def as_json(periods):
    """Amounts as decimal strings (exact), signatories as a number, `complete` as a
    boolean, `share_percent` a decimal string or null."""
    figures = []
    for record in records(periods):
        for name in ("value", "share_percent"):
            if isinstance(record[name], Decimal):
                record[name] = str(record[name])
        figures.append(record)
    return {"licence": "Open Government Licence v3.0", "fields": dict(COLUMNS), "figures": figures}
