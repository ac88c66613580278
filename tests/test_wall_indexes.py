"""On PostgreSQL the wall's queries go through its indexes, not through the whole table."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the wall's trigram and partial indexes are PostgreSQL's; SQLite reads the table",
    ),
]


@pytest.fixture
def signatories():
    """A few thousand approved pledges (and the planner's statistics about them)."""
    call_command("seed_signatories", 6000, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pledges_pledge")


# The page of results: its rows by the ids of one slice, in order
# (... WHERE id IN (SELECT id ... ORDER BY ... LIMIT n OFFSET m) ORDER BY ...).
ORDERED_PAGE = re.compile(r"IN \(SELECT .* ORDER BY .* LIMIT \d+( OFFSET \d+)?\)+ ORDER BY")
# A search's page: the ids of one slice of its matches, in order (their rows follow by id).
SEARCHED_PAGE = re.compile(
    r'^SELECT "pledges_pledge"\."id"( AS "pk")? FROM .* LIKE .* ORDER BY .* LIMIT \d+'
)


def plans(client, query):
    """The plans of the wall's queries for its results: their count and their page."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/signatories/?{query}&visit=uncached").status_code == 200
    found = []
    with connection.cursor() as cursor:
        for q in queries:
            # The results' count and their page; the impact figures have tests of their own.
            sql = q["sql"]
            if (sql.startswith("SELECT COUNT(*) FROM (") or ORDERED_PAGE.search(sql)
                    or SEARCHED_PAGE.search(sql)):  # fmt: skip
                cursor.execute("EXPLAIN " + sql)
                found.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    assert len(found) == 2, found
    return found


# Each query string, and the index its count and its page must use. (With a search and a
# district both, the planner may take either index, so long as it takes one.)
CASES = [
    ("q=bakery+bacup", "pledge_pub_name_trgm"),
    ("q=bacup+bakery&sort=newest", "pledge_pub_name_trgm"),
    ("district=preston", "pledge_pub_district"),
    ("district=preston&q=bakery", "pledge_pub_"),
    ("q=bakeries+limited", "pledge_pub_name_trgm"),  # each word's other forms too
]


def test_search_and_filters_use_an_index(client, signatories):
    # One test for every case: a few thousand rows take a while to make.
    for query, index in CASES:
        (count_sql, count_plan), (page_sql, page_plan) = plans(client, query)
        for sql, plan in ((count_sql, count_plan), (page_sql, page_plan)):
            assert "Seq Scan on pledges_pledge" not in plan, f"{query}: {sql}\n{plan}"
        assert index in count_plan, f"{query}: {count_sql}\n{count_plan}"
        # A search's page may walk the names in order instead, when matches are many.
        page_index = "pledge_pub_" if "q=" in query else index
        assert page_index in page_plan, f"{query}: {page_sql}\n{page_plan}"
    _, (page_sql, page_plan) = plans(client, "page=3")
    assert "Index Only Scan using pledge_pub_name on pledges_pledge" in page_plan, page_plan
