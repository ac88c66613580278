"""The open data: each column defined once, for the CSV, the JSON and the README's schema."""

from dataclasses import dataclass
from operator import itemgetter

from django.conf import settings
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from pledges import categories as cpv
from pledges import checkins
from pledges.models import SELLS_TO, District, OrganisationType, Pledge, Sector, Size
from pledges.themes import THEMES

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    fields: tuple  # what it is read from: model fields, or the dates annotated below
    read: object = None  # how the cell is made from those values; None: the one value as is
    in_csv: bool = True
    joined_by: str = ""  # a list: how a CSV cell joins its items (JSON keeps the list)


def _date(value):
    return value.isoformat() if value else ""


def _label(choices):
    return dict(choices).get


def _themes(read):
    return lambda *ticked: [read(theme) for theme, on in zip(THEMES, ticked, strict=True) if on]


def columns():
    """The columns, with what only a configured site knows (its address, the logo storage)."""
    site = settings.SITE_URL
    page = site + reverse("pledges:detail", args=["slug"]).removesuffix("slug/")
    logo_url = Pledge._meta.get_field("logo").storage.url
    now = timezone.now()
    return [
        Column("name", "the organisation's name as it signed", ("name",)),
        Column(
            "slug",
            "its stable identifier, as in its page's address (JSON only)",
            ("slug",),
            in_csv=False,
        ),
        Column("url", "its page on this site", ("slug",), lambda slug: f"{page}{slug}/"),
        Column(
            "organisation_type",
            "the type of organisation, as the wall's `type` filter names it",
            ("organisation_type",),
        ),
        Column(
            "organisation_type_label",
            "the type of organisation in words",
            ("organisation_type",),
            _label(OrganisationType.choices),
        ),
        Column("sector", "its UK SIC 2007 section, as the wall's `sector` filter", ("sector",)),
        Column(
            "sector_label",
            "its sector in everyday words, as the sign-up form and the wall name it",
            ("sector",),
            _label(Sector.choices),
        ),
        Column("size", "its number of employees, as the wall's `size` filter", ("size",)),
        Column("size_label", "its number of employees in words", ("size",), _label(Size.choices)),
        Column("district", "where it is based, as the wall's `district` filter", ("district",)),
        Column(
            "district_label",
            "where it is based: the council area, or beyond Lancashire",
            ("district",),
            _label(District.choices),
        ),
        Column("website", "its website, or empty", ("website",)),
        Column(
            "logo",
            "the address of its logo, or empty",
            ("logo",),
            lambda logo: site + logo_url(logo) if logo else "",
        ),
        Column(
            "statement",
            "why it is backing Lancashire, up to 500 characters, or empty",
            ("statement",),
        ),
        Column(
            "commitments",
            "the themes it commits to: a list in JSON, space-separated in CSV",
            tuple(theme.field for theme in THEMES),
            _themes(lambda theme: theme.slug),
            joined_by=" ",
        ),
        Column(
            "commitments_labels",
            "the same themes in words: a list in JSON, separated by `; ` in CSV",
            tuple(theme.field for theme in THEMES),
            _themes(lambda theme: theme.title),
            joined_by="; ",
        ),
        Column(
            "categories",
            "the divisions of the Common Procurement Vocabulary it supplies (up to five, such "
            "as `55000000`), as the supplier search's `category` filter: a list in JSON, "
            "space-separated in CSV",
            ("categories",),
            list,
            joined_by=" ",
        ),
        Column(
            "categories_labels",
            "the same in words: a list in JSON, separated by `; ` in CSV",
            ("categories",),
            cpv.labels,
            joined_by="; ",
        ),
        Column("supplies", "what it supplies, in a line, or empty", ("supplies",)),
        Column(
            "sells_to",
            "whom it sells to (`public-sector`, `businesses`, `public`), as the supplier "
            "search's `sells` filter: a list in JSON, space-separated in CSV",
            tuple(SELLS_TO.values()),
            lambda *sells: [key for key, on in zip(SELLS_TO, sells, strict=True) if on],
            joined_by=" ",
        ),
        Column(
            "living_wage_accredited",
            "whether it is accredited by the Living Wage Foundation, which our team checks "
            "(`true` or `false` in JSON, `True` or `False` in CSV)",
            ("living_wage_accredited",),
        ),
        Column("signed", "the date it signed (YYYY-MM-DD)", ("signed",), _date),
        Column("listed", "the date it was approved and listed (YYYY-MM-DD)", ("listed",), _date),
        Column(
            "affirmed",
            "the date it last stood by its pledge: its approval, then each yearly check-in "
            "(YYYY-MM-DD)",
            ("affirmed",),
            _date,
        ),
        Column(
            "standing",
            "`current` (affirmed within the year) or `due` (the year is up and a check-in is "
            "due; lapsed pledges are not in this list)",
            ("affirmed_at",),
            lambda affirmed_at: "due" if checkins.is_due(affirmed_at, now) else "current",
        ),
    ]


def rows(columns):
    """Every approved signatory as a tuple of cells, one per column, sorted by name.

    Read as plain values in chunks: model instances would cost more than the rest of
    an export put together.
    """
    fields = list(dict.fromkeys(field for column in columns for field in column.fields))
    cells = [
        _reader(column, [fields.index(field) for field in column.fields]) for column in columns
    ]
    values = (
        Pledge.objects.public()
        .annotate(
            signed=TruncDate("submitted_at"),
            listed=TruncDate("approved_at"),
            affirmed=TruncDate("affirmed_at"),
        )
        .order_by("name", "pk")
        .values_list(*fields)
    )
    for row in values.iterator(chunk_size=2000):
        yield tuple([cell(row) for cell in cells])


def _reader(column, places):
    """A function from a row of values to the column's cell, chosen once, not per row."""
    if column.read is None:
        return itemgetter(places[0])
    if len(places) == 1:
        place, read = places[0], column.read
        return lambda row: read(row[place])
    take, read = itemgetter(*places), column.read
    return lambda row: read(*take(row))
