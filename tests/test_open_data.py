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
FIELDS = ["name", "url", "organisation_type", "sector", "size", "district", "website", "logo",
          "statement", "commitments", "signed", "listed"]  # fmt: skip


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.fixture
def listed():
    return make_pledge(
        status=S.APPROVED, name="Alpha Bakery", statement="Local flour.", commits_jobs=True
    )


def test_the_csv_has_every_public_field_and_streams(client, listed):
    response = client.get("/signatories.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == (
        'attachment; filename="backing-lancashire-signatories.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == FIELDS
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "Alpha Bakery"
    assert row["url"] == f"http://127.0.0.1:8000/signatories/{listed.slug}/"
    assert row["commitments"] == "local-spend jobs"
    assert row["statement"] == "Local flour."


def test_the_json_follows_its_schema(client, listed):
    response = client.get("/signatories.json")
    data = json.loads(body(response))
    assert set(data) == {"title", "source", "generated", "count", "signatories"}
    assert data["count"] == 1 == len(data["signatories"])
    record = data["signatories"][0]
    assert set(record) == set(FIELDS) | {"slug"}
    assert record["commitments"] == ["local-spend", "jobs"]
    assert record["signed"] == listed.submitted_at.date().isoformat()
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
    assert "<title>Alpha Bakery</title>" in xml
    assert f"/signatories/{listed.slug}/" in xml


def test_the_readme_describes_each_column_as_the_code_defines_it():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Open data") : readme.index("## Performance")]
    table = section[section.index("| field | meaning |") :].split("\n\n")[0]
    documented = re.findall(r"^\| `(\w+)` \| (.+) \|$", table, re.M)
    assert documented == [(column.name, column.meaning) for column in open_data.columns()]
