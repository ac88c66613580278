"""CSV downloads that are safe to open in a spreadsheet."""

import csv
import io
from itertools import chain, islice

from django.http import StreamingHttpResponse

CSV_TYPE = "text/csv; charset=utf-8"
# Excel reads a CSV as the PC's legacy code page unless it starts with this byte-order
# mark, and would show "CafÃ©" for "Café"; other programs skip it.
BOM = "\ufeff"

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_START = frozenset("=+-@\t\r")


def safe_cell(value):
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def batched(*iterables, size):
    items = chain(*iterables)
    while chunk := list(islice(items, size)):
        yield chunk


def csv_lines(header, rows, batch=1000):
    """Rows as CSV text, a thousand at a time, so a long list needs little memory."""
    for chunk in batched([header], rows, size=batch):
        buffer = io.StringIO()
        if chunk[0] is header:
            buffer.write(BOM)
        csv.writer(buffer).writerows([safe_cell(value) for value in row] for row in chunk)
        yield buffer.getvalue()


def csv_response(filename, header, rows):
    """Stream rows as CSV."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
