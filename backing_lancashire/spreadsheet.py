"""CSV downloads that are safe to open in a spreadsheet."""

import csv
from itertools import islice

from django.http import StreamingHttpResponse

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def batched(items, size):
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows, batch=500):
    """Stream rows as CSV, a few hundred at a time, so a long list needs little memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for chunk in batched(rows, batch):
            yield "".join(writer.writerow([safe_cell(value) for value in row]) for row in chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
