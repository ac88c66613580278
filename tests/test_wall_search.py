"""The wall's search (every word, in any order) and its bounded count."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges import views
from pledges.models import Pledge
from tests.factories import make_pledge
from tests.test_wall import count_line
from tests.test_wall import names as escaped_names

pytestmark = pytest.mark.django_db


def names(response):
    return [html.unescape(name) for name in escaped_names(response)]


@pytest.fixture
def bakers():
    for name in ["Bacup Bakery & Sons", "Bacup Builders", "Colne Bakery", "Pendle Bakery Ltd"]:
        make_pledge(status=Pledge.Status.APPROVED, name=name)
    # Not approved: never found, whatever the words.
    make_pledge(status=Pledge.Status.PENDING, name="Bacup Bakery Pending")


@pytest.mark.parametrize(
    "q, expected",
    [
        ("bakery bacup", ["Bacup Bakery & Sons"]),
        ("bacup bakery", ["Bacup Bakery & Sons"]),
        ("BAKERY   Bacup", ["Bacup Bakery & Sons"]),
        ("bak bac", ["Bacup Bakery & Sons"]),  # partial words, as people type
        ("sons & bakery", ["Bacup Bakery & Sons"]),
        ("bakery", ["Bacup Bakery & Sons", "Colne Bakery", "Pendle Bakery Ltd"]),
        ("ltd pendle", ["Pendle Bakery Ltd"]),
        ("bacup", ["Bacup Bakery & Sons", "Bacup Builders"]),
        ("bacup colne", []),
        ("bakery pending", []),
        # The other spelling, the singular, and a lone letter or sign left out.
        ("pendle bakery limited", ["Pendle Bakery Ltd"]),
        ("bakeries", ["Bacup Bakery & Sons", "Colne Bakery", "Pendle Bakery Ltd"]),
        ("bacup builders", ["Bacup Builders"]),
        ("bacup builder", ["Bacup Builders"]),
        ("a & b bacup bakery", ["Bacup Bakery & Sons"]),
    ],
)
def test_search_matches_every_word_in_any_order(client, bakers, q, expected):
    response = client.get("/signatories/", {"q": q})
    assert response.status_code == 200
    assert names(response) == expected


def test_search_keeps_the_filters_and_the_order(client, bakers):
    make_pledge(status=Pledge.Status.APPROVED, name="Bacup Bakery Two", district="pendle")
    response = client.get("/signatories/", {"q": "bakery bacup", "district": "pendle"})
    assert names(response) == ["Bacup Bakery Two"]
    response = client.get("/signatories/", {"q": "bacup bakery"})
    assert names(response) == ["Bacup Bakery & Sons", "Bacup Bakery Two"]
    assert count_line(response) == "Showing 1–2 of 2 signatories"


@pytest.fixture
def small_limit(monkeypatch):
    """A limit of 5 results and pages of 2, so that a few pledges go past it."""
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 5)
    monkeypatch.setattr(views, "PER_PAGE", 2)


def approved(count):
    for n in range(count):
        make_pledge(status=Pledge.Status.APPROVED, name=f"Signatory {n:02d}")


@pytest.mark.parametrize(
    "page, shown, listed",
    [
        ("1", "Showing 1–2 of more than 5 signatories", ["Signatory 00", "Signatory 01"]),
        ("3", "Showing 5–5 of more than 5 signatories", ["Signatory 04"]),
        ("4", "Showing 5–5 of more than 5 signatories", ["Signatory 04"]),  # the last page
        ("999", "Showing 5–5 of more than 5 signatories", ["Signatory 04"]),
    ],
)
@pytest.mark.parametrize("search", ["", "signatory"])  # browsed, and searched
def test_a_large_result_is_counted_no_further_than_the_limit(
    client, small_limit, page, shown, listed, search
):
    approved(8)
    response = client.get("/signatories/", {"page": page, "q": search})
    assert count_line(response) == shown
    assert names(response) == listed
    assert not re.search(r'href="\?[^"]*page=4"', response.content.decode())


def test_the_count_asks_the_database_for_no_more_than_the_limit(client, small_limit):
    approved(8)
    with CaptureQueriesContext(connection) as queries:
        client.get("/signatories/")
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts, "the wall counted nothing"
    assert all("LIMIT 6" in sql for sql in counts), counts


@pytest.mark.parametrize(
    "count, shown",
    [(4, "Showing 3–4 of 4 signatories"), (5, "Showing 5–5 of 5 signatories")],
)
@pytest.mark.parametrize("search", ["", "signatory"])
def test_up_to_the_limit_the_count_is_exact(client, small_limit, count, shown, search):
    approved(count)
    assert count_line(client.get("/signatories/", {"page": "3", "q": search})) == shown


@pytest.mark.parametrize("page", ["1", "2", "999"])
def test_a_search_counts_then_pages_then_loads_its_rows_by_id(client, small_limit, page):
    approved(4)
    make_pledge(status=Pledge.Status.APPROVED, name="Another Name")
    client.get("/signatories/")  # the figures, counted once for every page
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/signatories/", {"q": "signatory", "page": page})
    reads = [q["sql"] for q in queries if '"pledges_pledge"' in q["sql"]]
    # The count, read no further than the limit; the page's ids in the wall's order (a
    # page past the end is known to be from the count, so the last page is asked for at
    # once); then the page's rows by their ids alone, without the search again.
    assert len(reads) == 3, reads
    count, ids, rows = reads
    assert count.startswith("SELECT COUNT(*)") and "LIMIT 6" in count and "LIKE" in count
    assert "LIKE" in ids and "ORDER BY" in ids and "LIMIT 2" in ids
    assert '"id" IN (' in rows and "LIKE" not in rows
    shown = {"1": "Showing 1–2 of 4 signatories"}.get(page, "Showing 3–4 of 4 signatories")
    assert count_line(response) == shown


def test_a_search_past_the_limit_says_how_to_narrow_it(client, small_limit):
    approved(6)
    response = client.get("/signatories/", {"q": "signatory"})
    assert count_line(response) == "Showing 1–2 of more than 5 signatories"
    assert "add a word to the search, or choose a filter" in response.content.decode()
    response = client.get("/signatories/", {"q": "signatory 05"})
    assert count_line(response) == "Showing 1–1 of 1 signatory"
    assert "add a word to the search" not in response.content.decode()
