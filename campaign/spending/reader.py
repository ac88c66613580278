"""Reading a published spending file: the force's monthly "spend over £500" CSVs.

Files from different finance systems differ, and bad input is the normal case: this
reads what it can, line by line, and says of every line it refuses which line it was
and why. It knows nothing of the database; the import (a later step) saves what it reads,
all or nothing.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

# What each column is called in the files seen so far, compared without case, spaces or
# punctuation ("Date Paid", "date_paid" and "DATE PAID" are one name).
COLUMNS = {
    "date": ["transaction date", "date paid", "payment date", "paid date", "date"],
    "supplier": ["supplier name", "supplier", "payee name", "payee", "vendor name", "vendor"],
    "amount": ["net amount", "amount", "value", "net value", "amount gbp", "total"],
    "expense_type": ["expense type", "expenditure type", "description", "category"],
    "reference": [
        "transaction reference",
        "transaction number",
        "invoice reference",
        "invoice number",
        "reference",
        "ref",
    ],  # fmt: skip
    "postcode": ["supplier postcode", "postcode", "post code"],
}
NEEDED = ["date", "supplier", "amount"]
# How rows withheld for personal data are marked in the supplier column.
# Only at the start of the cell, and never a company's name: "Personal Data Services Ltd"
# is a supplier.
REDACTED = re.compile(r"^\W*(redacted|personal data|withheld)\b", re.I)
COMPANY = re.compile(r"\b(ltd|limited|plc|llp)\.?\s*$", re.I)
# The whole cell: "Total Gas & Power Ltd" and "Total Fitness" are suppliers.
TOTALS = re.compile(r"^\s*(grand\s+|sub-?\s*)?totals?\s*:?\s*$", re.I)
# The Order that makes forces publish their spending came in 2011; a date after the
# coming month is a typing mistake (01/04/2205), which would move "the latest months".
EARLIEST = date(2011, 1, 1)
LATER_BY = 31
# What the register keeps of each line, and no more.
LONGEST = {"supplier": 200, "expense_type": 200, "reference": 100}
# No single payment in a police force's accounts comes near £10bn: such a cell is a
# mistake (a reference in the amount column, say), not spend.
LARGEST = Decimal(10) ** 10
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d/%m/%y", "%d %b %Y"]


NOT_SQUEEZED = re.compile(r"[^a-z0-9]")
MONEY = re.compile(r"[-+]?\d+(\.\d{1,2})?")


def squeezed(name):
    return NOT_SQUEEZED.sub("", name.lower())


ALIASES = {squeezed(alias): column for column, names in COLUMNS.items() for alias in names}


# Slots: an import holds every payment of a year's files at once.
@dataclass(frozen=True, slots=True)
class Payment:
    line: int
    paid_on: date
    supplier: str
    amount: Decimal
    expense_type: str = ""
    reference: str = ""
    postcode: str = ""
    # Withheld for personal data at source: the money counts, the name is never kept.
    redacted: bool = False


@dataclass
class Reading:
    payments: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (line, why)
    columns: dict = field(default_factory=dict)  # what each column of ours was called
    problem: str = ""  # why nothing could be read at all
    # When no header was recognised: the cells of the line most like one, for staff to
    # say which column is which.
    headings: list = field(default_factory=list)

    @property
    def total(self):
        return sum((payment.amount for payment in self.payments), Decimal(0))

    @property
    def redacted(self):
        return sum(1 for payment in self.payments if payment.redacted)

    @property
    def months(self):
        return sorted({payment.paid_on.replace(day=1) for payment in self.payments})


def decoded(data):
    """The file's text: UTF-16 with its byte-order mark, UTF-8 with or without one, else
    Windows-1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def not_text(data):
    """Why these bytes are not a CSV file to read, or "" if they may be one."""
    if data[:4] == b"PK\x03\x04":
        return "This is a spreadsheet workbook, not a CSV file: save it as CSV first."
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in data[:65536]:
        # Text has no NUL bytes; a picture, a PDF or UTF-16 without its mark does.
        return "This is not a text file: save it as CSV (UTF-8) and upload that."
    return ""


def amount(text):
    """ "£1,234.50", "(1,234.50)" (a credit), "-1234.5", "1234.50 CR" as a Decimal."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned, negative = cleaned[1:-1], True
    if cleaned.upper().endswith("CR"):
        cleaned, negative = cleaned[:-2], True
    if not MONEY.fullmatch(cleaned):
        raise ValueError(f"the amount “{text.strip()}” is not a sum of money")
    value = Decimal(cleaned)
    if abs(value) >= LARGEST:
        raise ValueError(f"the amount “{text.strip()}” is larger than any single payment")
    return -value if negative else value


def paid_on(text):
    day = _date(text.strip())
    if day < EARLIEST:
        raise ValueError(f"the date “{text.strip()}” is before 2011, when publishing began")
    if (day - date.today()).days > LATER_BY:
        raise ValueError(f"the date “{text.strip()}” is in the future")
    return day


# A month's file holds a few dozen dates, each on hundreds of lines: strptime, slow
# as it is, runs once for each.
@functools.lru_cache(maxsize=4096)
def _date(cleaned):
    for shape in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, shape).date()
        except ValueError as error:
            if "out of range" in str(error):  # a known shape, a day no month has
                raise ValueError(f"the date “{cleaned}” does not exist") from None
    raise ValueError(f"the date “{cleaned}” is not a date this reader knows")


def header(row, aliases=ALIASES):
    """Our names for a row's columns, if it is a header row: {our name: index}."""
    found = {}
    for index, name in enumerate(row):
        column = aliases.get(squeezed(name))
        if column and column not in found:
            found[column] = index
    return found if all(name in found for name in NEEDED) else None


def read(data, mapped=None):
    """Read a spending file's bytes.

    `mapped` is a publisher's own column names, {our column: its heading}, which staff
    gave once for headings this does not know; they come before the usual names.
    """
    aliases = ALIASES | {squeezed(heading): ours for ours, heading in (mapped or {}).items()}
    reading = Reading()
    if problem := not_text(data):
        reading.problem = problem
        return reading
    try:
        rows = list(csv.reader(io.StringIO(decoded(data), newline="")))
    except csv.Error as error:
        why = (
            "one cell is longer than 131,072 characters" if "field larger" in str(error) else error
        )
        reading.problem = f"This is not a CSV file this reader can read: {why}."
        return reading
    columns = None
    for line, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if (found := header(row, aliases)) is not None:
            if columns is None:
                reading.columns = {name: row[index].strip() for name, index in found.items()}
            # The header, or the header again further down, where two exports were
            # joined: the lines after it follow its order, whichever that is.
            columns = found
            continue
        if columns is None:
            continue  # a title above the header
        try:
            reading.payments.append(payment(line, row, columns))
        except ValueError as error:
            reading.refused.append((line, str(error)))
    if columns is None:
        wanted = ", ".join(COLUMNS[name][0] for name in NEEDED)
        reading.problem = f"No header row names the columns this needs: {wanted}."
    if not reading.payments:
        # For staff to say which column is which: this file's, or a mapping gone wrong.
        reading.headings = likely_header(rows)
    return reading


def likely_header(rows):
    """The headings of the first line with the most named cells, among the first few."""
    best = []
    for row in rows[:20]:
        names = [cell.strip() for cell in row if cell.strip()]
        if len(names) > len(best) and len(set(names)) == len(names):
            best = names
    return best[:40]


def payment(line, row, columns):
    """One row as a payment; ValueError says why it is not one."""

    def cell(name):
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    supplier = cell("supplier")
    if TOTALS.match(supplier) or (not supplier and any(TOTALS.match(cell) for cell in row)):
        raise ValueError("a totals line, not a payment")
    # A payment to a person, withheld at source: it was spent, so it counts, but
    # nothing that could name them (supplier, reference, postcode) is kept.
    redacted = bool(REDACTED.search(supplier)) and not COMPANY.search(supplier)
    if not supplier:
        raise ValueError("no supplier is named")
    for name, longest in LONGEST.items():
        if len(cell(name)) > longest:
            raise ValueError(f"the {name.replace('_', ' ')} is longer than {longest} characters")
    if redacted:
        return Payment(line, paid_on(cell("date")), "", _amount(cell("amount")), redacted=True)
    return Payment(
        line=line,
        paid_on=paid_on(cell("date")),
        supplier=supplier,
        amount=_amount(cell("amount")),
        expense_type=cell("expense_type"),
        reference=cell("reference"),
        postcode=cell("postcode").upper()[:16],  # checked when the supplier is located
    )


def _amount(text):
    try:
        return amount(text)
    except InvalidOperation:
        raise ValueError(f"the amount “{text}” is not a sum of money") from None
