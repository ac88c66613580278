import csv
import io
import json
import re

import pytest
from django.http import StreamingHttpResponse

from pledges import open_data
from pledges.models import Pledge
from tests.conftest import ROOT
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status
FIELDS = ["name", "url", "organisation_type", "organisation_type_label", "sector", "sector_label",
          "size", "size_label", "district", "district_label", "website", "logo", "statement",
          "commitments", "commitments_labels", "categories", "categories_labels", "supplies",
          "sells_to", "living_wage_accredited", "signed", "listed", "affirmed",
          "standing"]  # fmt: skip


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.fixture
def listed():
    return make_pledge(
        status=S.APPROVED,
        name="Alpha Bakery",
        statement="Local flour.",
        commits_jobs=True,
        categories=["15000000", "55000000"],
        supplies="Bread and buffets",
        sells_to_public_sector=True,
        sells_to_public=True,
    )


def test_the_csv_has_every_public_field_and_streams(client, listed):
    response = client.get("/signatories.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == (
        'attachment; filename="backing-lancashire-signatories.csv"'
    )
    text = body(response)
    assert text.startswith("\ufeff")  # the byte-order mark, so that Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == FIELDS
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "Alpha Bakery"
    assert row["url"] == f"http://127.0.0.1:8000/signatories/{listed.slug}/"
    assert row["commitments"] == "local-spend jobs"
    assert row["commitments_labels"] == "Spending locally; Creating jobs and apprenticeships"
    assert row["statement"] == "Local flour."
    assert row["categories"] == "15000000 55000000"
    assert row["categories_labels"] == "Food and drink; Hotels, catering and hospitality"
    assert row["supplies"] == "Bread and buffets"
    assert row["sells_to"] == "public-sector public"
    assert row["living_wage_accredited"] == "False"


def test_each_code_has_its_label_beside_it(client):
    make_pledge(
        status=S.APPROVED,
        organisation_type="social-enterprise",
        sector="hospitality",
        size="medium",
        district="blackburn-with-darwen",
    )
    (row,) = csv.DictReader(
        io.StringIO(body(client.get("/signatories.csv")).removeprefix("\ufeff"))
    )
    assert (row["district"], row["district_label"]) == (
        "blackburn-with-darwen",
        "Blackburn with Darwen",
    )
    assert row["organisation_type_label"] == "Social enterprise"
    assert row["sector_label"] == "Hotels, pubs, cafés and restaurants"
    assert row["size_label"] == "Medium (50–249 employees)"
    (record,) = json.loads(body(client.get("/signatories.json")))["signatories"]
    assert record["district_label"] == "Blackburn with Darwen"


def test_the_csv_reads_back_in_excel_encoding_terms(client):
    make_pledge(status=S.APPROVED, name="Café Ñandú £ Ltd")
    raw = b"".join(client.get("/signatories.csv").streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8's byte-order mark, which Excel looks for
    assert "Café Ñandú £ Ltd" in raw.decode("utf-8-sig")


def test_the_json_follows_its_schema(client, listed):
    response = client.get("/signatories.json")
    data = json.loads(body(response))
    assert set(data) == {
        "title", "source", "licence", "licence_url", "documentation", "generated", "count",
        "signatories",
    }  # fmt: skip
    assert data["licence"] == "Open Government Licence v3.0"
    assert data["documentation"] == "http://127.0.0.1:8000/data/"
    assert data["count"] == 1 == len(data["signatories"])
    record = data["signatories"][0]
    assert set(record) == set(FIELDS) | {"slug"}
    assert record["commitments"] == ["local-spend", "jobs"]
    assert record["commitments_labels"] == ["Spending locally", "Creating jobs and apprenticeships"]
    assert record["signed"] == listed.submitted_at.date().isoformat()
    assert record["categories"] == ["15000000", "55000000"]
    assert record["sells_to"] == ["public-sector", "public"]
    assert record["living_wage_accredited"] is False
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_empty_list_is_valid_json(client):
    assert json.loads(body(client.get("/signatories.json")))["signatories"] == []


@pytest.mark.parametrize("url", ["/signatories.csv", "/signatories.json", "/signatories/feed/"])
def test_clients_can_ask_whether_anything_has_changed(
    client, listed, pending, url, staff, django_capture_on_commit_callbacks
):
    first = client.get(url)
    body(first)  # read to the end, which closes a download served from its file
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):  # the version moves on commit
        pending.approve(by=staff)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    body(changed)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_feed_lists_new_signatories(client, listed):
    xml = client.get("/signatories/feed/").content.decode()
    assert 'xmlns="http://www.w3.org/2005/Atom"' in xml
    # A browser shows it styled, not as a tree of XML.
    stylesheet = re.search(r'<\?xml-stylesheet href="([^"]+)"[^?]* type="text/css"\?>', xml)
    assert stylesheet and xml.index("<?xml-stylesheet") < xml.index("<feed")
    assert stylesheet[1].startswith("/static/css/feed.")
    assert "<title>Alpha Bakery</title>" in xml
    assert f"/signatories/{listed.slug}/" in xml


def test_the_readme_describes_each_column_as_the_code_defines_it():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Open data") : readme.index("## Performance")]
    table = section[section.index("| field | meaning |") :].split("\n\n")[0]
    documented = re.findall(r"^\| `(\w+)` \| (.+) \|$", table, re.M)
    assert documented == [(column.name, column.meaning) for column in open_data.columns()]


def test_the_data_page_lists_every_download_with_its_fields_and_licence(client):
    html = client.get("/data/").content.decode()
    for url in (
        "/signatories.csv",
        "/signatories.json",
        "/signatories/feed/",
        "/spend/figures.csv",
    ):
        assert f'href="{url}"' in html
    for column in open_data.columns():
        assert f"<code>{column.name}</code>" in html
    assert "<code>last_updated</code>" in html
    assert (
        'href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"' in html
    )
    assert "byte-order mark" in html
    assert "<code>district</code> filter" in html  # backticks become code
