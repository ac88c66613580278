"""Contact details never appear in anything public, and only approved pledges do."""

import pytest

from pledges.models import Pledge
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
    ]  # fmt: skip


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_private_detail_appears_in_any_public_output(client):
    pledge = make_pledge(
        status=S.APPROVED, name="Open Organisation", district="lancaster", **PRIVATE
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
