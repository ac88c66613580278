"""One wording for sectors: the plain labels the sign-up form asks with are the ones
every public page, the admin and the open data show; the codes stay the SIC sections."""

import csv
import io
import json
import re

import pytest

from pledges.models import Pledge, Sector
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

PLAIN = "Hotels, pubs, cafés and restaurants"
OFFICIAL = "Accommodation and food services"


def text(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture
def listed():
    return make_pledge(status=Pledge.Status.APPROVED, name="Alpha Café", sector="hospitality")


def test_the_codes_are_still_the_sic_sections():
    assert Sector.HOSPITALITY == "hospitality"
    assert Sector.HOSPITALITY.label == PLAIN
    assert "wholesale-and-retail" in Sector.values


@pytest.mark.parametrize(
    "url",
    ["/pledge/", "/signatories/", "/signatories/?sector=hospitality"],
)
def test_forms_offer_the_plain_labels(client, listed, url):
    page = text(client.get(url))
    assert re.search(f'<option value="hospitality"( selected)?>{PLAIN}</option>', page)
    assert OFFICIAL not in page


def test_the_signatory_page_shows_the_plain_label(client, listed):
    page = text(client.get(f"/signatories/{listed.slug}/"))
    assert PLAIN in page
    assert OFFICIAL not in page


def test_the_wall_cards_show_the_plain_label(client, listed):
    page = text(client.get("/signatories/"))
    assert f"Preston · {PLAIN}" in page


def test_the_open_data_labels_are_the_plain_ones(client, listed):
    (row,) = csv.DictReader(io.StringIO(text(client.get("/signatories.csv"))))
    assert (row["sector"], row["sector_label"]) == ("hospitality", PLAIN)
    (record,) = json.loads(text(client.get("/signatories.json")))["signatories"]
    assert (record["sector"], record["sector_label"]) == ("hospitality", PLAIN)


def test_the_admin_filters_by_the_plain_labels(admin_client, listed):
    page = text(admin_client.get("/admin/pledges/pledge/"))
    assert PLAIN in page
    assert OFFICIAL not in page
