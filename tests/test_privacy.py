"""Contact details never appear in anything public, and only approved pledges do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import PRIVATE_FIELDS, PUBLIC_FIELDS, Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status

PRIVATE = {
    "contact_name": "Zebedee Quartermaine",
    "contact_role": "Chief Secret Officer",
    "email": "zebedee.private@hidden-mail.example",
    "phone": "+447911654321",
    "postcode": "LA1 4XQ",
    "companies_house_number": "SC987654",
    "charity_number": "7654321",
    "moderator_note": "Moderator-only remark xyzzy",
}


def public_pages(slug):
    return [
        "/", "/about/", "/social-value/", "/spend/", "/get-involved/", "/signatories/",
        "/signatories/?q=Open", "/signatories/?district=lancaster", f"/signatories/{slug}/",
        f"/signatories/{slug}/certificate/", f"/signatories/{slug}/badge.svg",
        "/signatories.csv", "/signatories.json", "/signatories/feed/", "/sitemap.xml",
        "/sitemap-signatories.xml", "/robots.txt", "/privacy/", "/accessibility/",
        "/suppliers/", "/suppliers/?q=Open", "/suppliers/category/55000000/", "/suppliers.csv",
        "/sitemap-suppliers.xml",
    ]  # fmt: skip


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_private_detail_appears_in_any_public_output(client):
    pledge = make_pledge(
        status=S.APPROVED,
        name="Open Organisation",
        district="lancaster",
        categories=["55000000"],
        **PRIVATE,
    )
    for url in public_pages(pledge.slug):
        text = fetch(client, url)
        for field, value in PRIVATE.items():
            assert value not in text, f"{field} leaked in {url}"
        assert "7911654321" not in text and "07911 654321" not in text


@pytest.mark.parametrize("status", [S.UNVERIFIED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_only_approved_pledges_are_public(client, approved, status):
    hidden = make_pledge(status=status, name="Hidden Organisation Qwerty")
    assert list(Pledge.objects.public()) == [approved]
    assert approved.is_public() and not hidden.is_public()
    wall = fetch(client, "/signatories/")
    assert approved.name in wall and "Showing 1–1 of 1 signatory" in wall
    for url in public_pages(approved.slug):
        text = fetch(client, url)
        assert "Hidden Organisation Qwerty" not in text, url
        assert hidden.slug not in text, url
    for suffix in ("", "certificate/", "badge.svg"):
        assert client.get(f"/signatories/{hidden.slug}/{suffix}").status_code == 404


# Public pages never even load a private field: the SQL they run names no private column.


def test_the_public_and_private_fields_are_disjoint_and_cover_what_an_organisation_tells_us():
    assert not set(PUBLIC_FIELDS) & set(PRIVATE_FIELDS)
    told = {"contact_name", "contact_role", "email", "phone", "postcode"}
    assert told <= set(PRIVATE_FIELDS)
    model = {field.name for field in Pledge._meta.get_fields()}
    assert set(PUBLIC_FIELDS) | set(PRIVATE_FIELDS) <= model


def private_columns():
    table = Pledge._meta.db_table
    return {f'"{table}"."{Pledge._meta.get_field(name).column}"' for name in PRIVATE_FIELDS}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/signatories/",
        "/signatories/?q=Wyre&sort=newest",
        "/signatories/{slug}/",
        "/signatories/{slug}/certificate/",
        "/signatories/{slug}/badge.svg",
        "/signatories/feed/",
        "/signatories.csv",
        "/signatories.json",
        "/sitemap-signatories.xml",
        "/suppliers/?q=Wyre",
        "/suppliers/category/55000000/",
        "/suppliers.csv?q=Wyre",
    ],
)
def test_a_public_page_reads_no_private_column(client, url):
    pledge = make_pledge(
        status=Pledge.Status.APPROVED, name="Wyre Wheelwrights", categories=["55000000"]
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url.format(slug=pledge.slug))
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert any('"pledges_pledge"' in statement for statement in sql), "the test saw no query"
    leaked = {column for column in private_columns() for statement in sql if column in statement}
    assert leaked == set()
