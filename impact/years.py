"""Reporting years: the UK financial year, April to March, named by the year it starts.

2026 is the year from 1 April 2026 to 31 March 2027, shown as "2026/27". A year may be
reported from its first day until it closes on 30 June after it ends: three months, so
that an organisation checking in after 31 March can still report the year just ended.
"""

from datetime import date

from django.utils import timezone

# The campaign's Social Value Policy dates from 2017: no return can be older.
FIRST = 2017


def current(today=None):
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def closes(year):
    """The last day a return for `year` may be sent or changed."""
    return date(year + 1, 6, 30)


def open_years(today=None):
    """The years that may be reported now, newest first: the current year, and the one
    before it until it closes."""
    today = today or timezone.localdate()
    year = current(today)
    return [year, year - 1] if today <= closes(year - 1) else [year]


def is_open(year, today=None):
    return year in open_years(today)


def label(year):
    """2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"
