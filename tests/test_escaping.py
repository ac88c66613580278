"""Hostile organisation names are shown harmlessly everywhere."""

import csv
import io
import json

import pytest

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def hostile():
    return [
        make_pledge(status=Pledge.Status.APPROVED, name=SCRIPT, statement=SCRIPT),
        make_pledge(status=Pledge.Status.APPROVED, name=FORMULA, statement="+cmd|' /C calc'!A0"),
    ]


def text(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_html_pages_escape_the_name(client, hostile):
    urls = ["/", "/signatories/", f"/signatories/{hostile[0].slug}/",
            f"/signatories/{hostile[0].slug}/certificate/"]  # fmt: skip
    for url in urls:
        html = text(client.get(url))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_the_badge_escapes_the_name(client, hostile):
    svg = text(client.get(f"/signatories/{hostile[0].slug}/badge.svg"))
    assert SCRIPT not in svg and "&lt;script&gt;" in svg


def test_the_feed_escapes_the_name(client, hostile):
    xml = text(client.get("/signatories/feed/"))
    assert SCRIPT not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml


def test_json_carries_the_name_as_data(client, hostile):
    data = json.loads(text(client.get("/signatories.json")))
    assert {r["name"] for r in data["signatories"]} == {SCRIPT, FORMULA}


def test_csv_neutralises_formulas(client, hostile):
    rows = list(csv.DictReader(io.StringIO(text(client.get("/signatories.csv")))))
    by_slug = {row["url"].rstrip("/").rsplit("/", 1)[-1]: row for row in rows}
    assert by_slug[hostile[1].slug]["name"] == "'" + FORMULA
    assert by_slug[hostile[1].slug]["statement"].startswith("'+cmd")
    assert by_slug[hostile[0].slug]["name"] == SCRIPT  # plain text in a CSV is harmless


def test_the_admin_escapes_the_name(admin_client, hostile):
    for url in ("/admin/pledges/pledge/?status=all",
                f"/admin/pledges/pledge/{hostile[0].pk}/change/"):  # fmt: skip
        html = text(admin_client.get(url))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_feed_reader_shows_the_statement_as_text(client):
    make_pledge(status=Pledge.Status.APPROVED, statement="<img src=x onerror=alert(1)>")
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(client.get("/signatories/feed/").content)  # noqa: S314 - our own feed
    summary = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    # What a reader renders as HTML holds no element, only the text.
    assert "<img" not in summary.text and "&lt;img src=x" in summary.text
