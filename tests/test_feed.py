"""The Atom feed: what a feed reader reads, and the XHTML a browser shows in its place
(each name a link to its page, the date it was listed in words)."""

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def feed(client):
    response = client.get("/signatories/feed/")
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own feed


def listed(name, when):
    pledge = make_pledge(status=Pledge.Status.APPROVED, name=name)
    Pledge.objects.filter(pk=pledge.pk).update(approved_at=when)
    return pledge


def test_each_name_links_to_its_signatory_page(client):
    pledge = listed("Alpha Bakery", datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("UTC")))
    (entry,) = feed(client).iter(f"{ATOM}entry")
    link = entry.find(f"{XHTML}h2/{XHTML}a")
    assert link.text == "Alpha Bakery"
    assert link.get("href") == f"http://testserver/signatories/{pledge.slug}/"
    # A feed reader still has its own title and link, which the stylesheet hides.
    assert entry.find(f"{ATOM}title").text == "Alpha Bakery"
    assert entry.find(f"{ATOM}link").get("href") == link.get("href")


@pytest.mark.parametrize(
    ("when", "words", "iso"),
    [
        (datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("UTC")), "30 November 2026", "2026-11-30"),
        # Half past midnight in a British summer is still the day before in UTC.
        (datetime(2026, 7, 31, 23, 30, tzinfo=ZoneInfo("UTC")), "1 August 2026", "2026-08-01"),
    ],
)
def test_the_date_is_in_words_and_in_london(client, when, words, iso):
    listed("Alpha Bakery", when)
    (entry,) = feed(client).iter(f"{ATOM}entry")
    date = entry.find(f"{XHTML}p/{XHTML}time")
    assert (date.text, date.get("datetime")) == (words, iso)
    assert "".join(entry.find(f"{XHTML}p").itertext()) == f"Listed {words}"


def test_the_introduction_links_to_the_wall_by_newest(client):
    intro = feed(client).find(f"{XHTML}p")
    assert "copy this page's address into a feed reader" in "".join(intro.itertext())
    assert intro.find(f"{XHTML}a").get("href") == "http://testserver/signatories/?sort=newest"
