"""Hostile text is shown harmlessly: names on every page and feed, formulas in every CSV."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission

from campaign.models import SpendFigure, Testimonial
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
            f"/signatories/{hostile[0].slug}/certificate/", "/suppliers/"]  # fmt: skip
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


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = text(response)
    assert body.startswith("\ufeff")  # so that Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    for row in rows:  # whatever the column
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    return rows


def open_data(client, moderator, typed):
    """The public CSV: the name and the statement."""
    make_pledge(status=Pledge.Status.APPROVED, name=typed, statement=typed)
    (row,) = csv_rows(client.get("/signatories.csv"))
    return [row["name"], row["statement"]]


def admin_export(client, moderator, typed):
    """The moderators' export: the name and the contact's name."""
    moderator.user_permissions.add(Permission.objects.get(codename="export_pledges"))
    client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
    pledge = make_pledge(status=Pledge.Status.PENDING, name=typed, contact_name=typed)
    data = {"action": "export_csv", "_selected_action": [pledge.pk]}
    (row,) = csv_rows(client.post("/admin/pledges/pledge/?status=all", data))
    return [row["name"], row["contact_name"]]


def spend_figures(client, moderator, typed):
    """The spend figures' CSV: the label and the headline, after the brief's two."""
    SpendFigure.objects.create(label=typed, amount=1, headline=typed, order=9)
    *_, row = csv_rows(client.get("/spend/figures.csv"))
    return [row["figure"], row["description"]]


# Each of the corpus's spreadsheet payloads (test_payloads.py), short enough for a label.
FORMULAS = [
    '=HYPERLINK("http://evil.example")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("export", [open_data, admin_export, spend_figures])
@pytest.mark.parametrize(
    "typed, exported",
    [*((formula, "'" + formula) for formula in FORMULAS), (SCRIPT, SCRIPT)],
    ids=["=", "+", "-", "@", "plain text"],
)
def test_every_csv_neutralises_spreadsheet_formulas(client, moderator, export, typed, exported):
    # A leading quote makes a spreadsheet show the cell as text; plain text needs none.
    assert export(client, moderator, typed) == [exported, exported]


def test_the_admin_escapes_the_name(mod_client, hostile):
    make_pledge(status=Pledge.Status.PENDING, name=SCRIPT + " Ltd")  # for the queue's first view
    for url in ("/admin/pledges/pledge/", "/admin/pledges/pledge/?status=all",
                f"/admin/pledges/pledge/{hostile[0].pk}/change/"):  # fmt: skip
        html = text(mod_client.get(url))
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_feed_reader_shows_the_statement_as_text(client):
    make_pledge(status=Pledge.Status.APPROVED, statement="<img src=x onerror=alert(1)>")
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(client.get("/signatories/feed/").content)  # noqa: S314 - our own feed
    summary = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    # What a reader renders as HTML holds no element, only the text.
    assert "<img" not in summary.text and "&lt;img src=x" in summary.text


def test_staff_text_is_escaped(client):
    Testimonial.objects.create(quote="<script>alert(1)</script>", order=9)
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
