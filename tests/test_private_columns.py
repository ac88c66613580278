"""Public pages never even load a private field: the SQL they run names no private column."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import PRIVATE_FIELDS, PUBLIC_FIELDS, Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db


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
    ],
)
def test_a_public_page_reads_no_private_column(client, url):
    pledge = make_pledge(status=Pledge.Status.APPROVED, name="Wyre Wheelwrights")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url.format(slug=pledge.slug))
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert any('"pledges_pledge"' in statement for statement in sql), "the test saw no query"
    leaked = {column for column in private_columns() for statement in sql if column in statement}
    assert leaked == set()
