"""Every public page and export costs the same number of queries at 10 and 1,000 signatories."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backing_lancashire import freshness
from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

URLS = [
    "/", "/signatories/", "/signatories/?page=2", "/signatories/?q=Bakery&district=preston",
    "/signatories/?sort=newest&commitment=jobs", "DETAIL/certificate/",
    "DETAIL/badge.svg", "/signatories.csv", "/signatories.json", "/signatories/feed/",
    "/sitemap.xml", "/sitemap-signatories.xml", "/spend/", "DETAIL/",
    "/suppliers/", "/suppliers/?q=bakery&sells=public&page=2", "/suppliers/category/15000000/",
    "/suppliers.csv?q=bakery", "/sitemap-suppliers.xml",
]  # fmt: skip


def queries_for(client, url):
    if "DETAIL" in url:
        url = url.replace("DETAIL", Pledge.objects.public().first().get_absolute_url().rstrip("/"))
    counts = []
    for warm in (False, True):  # with the impact figures cached and without
        if not warm:
            for alias in ("default", "pages"):
                caches[alias].clear()
            freshness.forget()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        counts.append(len(context))
    return counts


def test_query_counts_do_not_grow_with_the_number_of_signatories(client):
    # A search that finds something at either size: one that finds nothing stops at the
    # count, with no page to load.
    make_pledge(status=Pledge.Status.APPROVED, name="Preston Bakery", district="preston")
    call_command("seed_signatories", 10, verbosity=0)
    small = {url: queries_for(client, url) for url in URLS}
    call_command("seed_signatories", 990, verbosity=0)
    large = {url: queries_for(client, url) for url in URLS}
    assert large == small
    # And the numbers are small: cold, a count, a page and the two impact queries;
    # warm, the whole page comes from the cache.
    assert small["/signatories/"] == [4, 0]
    assert small["/signatories/?page=2"] == [4, 0]
