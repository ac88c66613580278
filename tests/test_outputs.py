"""The whole downloads (open data, sitemap, feed) are made once per public version, and a
client that asks for them again and again is slowed down."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backing_lancashire import exports, freshness
from backing_lancashire.exports import LAYOUT
from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

OUTPUTS = [
    "/signatories.csv",
    "/signatories.json",
    "/signatories/feed/",
    "/sitemap-signatories.xml",
]


def fetch(client, url, **extra):
    """The response and its body, with the pledge table's queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    costly = [q["sql"] for q in queries.captured_queries if '"pledges_pledge"' in q["sql"]]
    return response, body, costly


@pytest.fixture
def listed():
    return [make_pledge(status=Pledge.Status.APPROVED, name=f"Listed {n}") for n in range(3)]


@pytest.mark.parametrize("url", OUTPUTS)
def test_a_repeated_download_costs_no_query(client, listed, url):
    first, body, costly = fetch(client, url)
    assert first.status_code == 200 and costly
    for _ in range(3):
        again, same, costly = fetch(client, url)
        assert again.status_code == 200
        assert same == body
        assert costly == []


@pytest.mark.parametrize("url", OUTPUTS)
def test_a_public_change_is_in_the_next_download(
    client, listed, staff, url, django_capture_on_commit_callbacks
):
    _, before, _ = fetch(client, url)
    pending = make_pledge(status=Pledge.Status.PENDING, name="Newly Approved Nurseries")
    with django_capture_on_commit_callbacks(execute=True):
        pending.approve(by=staff)
    _, after, costly = fetch(client, url)
    assert pending.slug.encode() not in before
    assert pending.slug.encode() in after
    assert costly


def test_an_export_is_kept_as_one_file_of_the_current_version(
    client, listed, staff, settings, django_capture_on_commit_callbacks
):
    fetch(client, "/signatories.csv")
    fetch(client, "/signatories.json")
    exports = settings.MEDIA_ROOT / "exports"
    assert sorted(path.suffix for path in exports.iterdir()) == [".csv", ".json"]
    with django_capture_on_commit_callbacks(execute=True):
        listed[0].withdraw(by=staff)
    _, body, _ = fetch(client, "/signatories.csv")
    assert b"Listed 0" not in body and b"Listed 1" in body
    fetch(client, "/signatories.json")
    version = freshness.version()
    assert sorted(path.name for path in exports.iterdir()) == [
        f"signatories-{version}.csv",
        f"signatories-{version}.json",
    ]


def test_while_another_request_writes_the_file_a_download_is_made_afresh(client, listed):
    cache.add(f"export:{LAYOUT}:{freshness.version()}:signatories.csv:writing", True, 60)
    response, body, costly = fetch(client, "/signatories.csv")
    assert response.status_code == 200 and costly
    assert b"Listed 2" in body
    assert response["Content-Disposition"] == (
        'attachment; filename="backing-lancashire-signatories.csv"'
    )


@pytest.mark.parametrize("url", OUTPUTS)
def test_a_client_that_downloads_again_and_again_is_turned_away(client, settings, listed, url):
    settings.DOWNLOAD_RATE_LIMIT = "3/h"
    for _ in range(3):
        assert fetch(client, url)[0].status_code == 200
    refused, body, _ = fetch(client, url)
    assert refused.status_code == 429
    assert "Too many downloads" in body.decode()
    # Another client has its own allowance.
    assert fetch(client, url, REMOTE_ADDR="192.0.2.9")[0].status_code == 200


def test_the_allowance_is_shared_by_every_whole_download(client, settings, listed):
    settings.DOWNLOAD_RATE_LIMIT = "3/h"
    for url in OUTPUTS[:3]:
        assert fetch(client, url)[0].status_code == 200
    assert fetch(client, OUTPUTS[3])[0].status_code == 429


@pytest.mark.parametrize("url", ["/signatories.csv", "/signatories.json", "/signatories/feed/"])
def test_asking_whether_it_changed_is_never_counted_or_refused(client, settings, listed, url):
    settings.DOWNLOAD_RATE_LIMIT = "1/h"
    first, _, _ = fetch(client, url)
    for _ in range(5):
        unchanged, _, _ = fetch(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert unchanged.status_code == 304
    assert fetch(client, url)[0].status_code == 429


def test_the_download_limit_can_be_switched_off(client, settings, listed):
    settings.DOWNLOAD_RATE_LIMIT = None
    for _ in range(5):
        assert fetch(client, "/signatories.csv")[0].status_code == 200


def test_a_file_removed_by_a_newer_version_as_it_was_written_is_streamed_instead(
    client, approved, monkeypatch
):
    # Two processes at once: this one wrote its version's file, and another, writing a
    # newer version, removed it before this one opened it.
    monkeypatch.setattr(exports, "_write", lambda name, version, chunks: "exports/gone.csv")
    response = client.get("/signatories.csv")
    assert response.status_code == 200
    assert approved.name in b"".join(response.streaming_content).decode()
