"""Who to contact, what signing means, and rejections an organisation can act on."""

import pytest
from django.core import mail

from pledges.models import Pledge, ProposedChange
from pledges.tokens import make_token
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status
OPCC = {
    "address": "County Hall",
    "postcode": "PR1 0LD",
    "email": "commissioner@lancashire-pcc.gov.uk",
    "phone": "01772 533587",
}


@pytest.fixture
def other_contact(settings):
    settings.CONTACT = {
        "name": "Office of the Police and Crime Commissioner for Lancashire",
        "address": ["1 Test Street", "Preston", "PR9 9ZZ"],
        "email": "office@opcc.example",
        "phone": "01234 567890",
        "press_email": "press@opcc.example",
        "press_phone": "01234 000111",
    }
    return settings.CONTACT


# Contact ----------------------------------------------------------------------------


def test_the_contact_page_gives_the_office_s_published_details_and_the_press_contact(client):
    response = client.get("/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    for detail in OPCC.values():
        assert detail in html
    assert "Press and media" in html
    assert 'href="tel:01772533587"' in html
    assert 'href="mailto:commissioner@lancashire-pcc.gov.uk"' in html
    assert "call 999" in html  # not a way to report a crime


@pytest.mark.parametrize(
    "url", ["/", "/about/", "/privacy/", "/signatories/", "/pledge/", "/no-such-page/"]
)
def test_every_page_s_footer_gives_the_contact_details_and_links_to_the_contact_page(client, url):
    html = client.get(url).content.decode()
    footer = html[html.index("<footer") :]
    for detail in OPCC.values():
        assert detail in footer
    assert "Press and media enquiries" in footer
    assert 'href="/contact/"' in footer


def test_the_details_come_from_settings_everywhere(client, other_contact, approved, settings):
    for url in ["/contact/", "/privacy/", "/accessibility/", approved.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "office@opcc.example" in html and "PR9 9ZZ" in html, url
        assert "commissioner@lancashire-pcc.gov.uk" not in html, url
    assert "press@opcc.example" in client.get("/contact/").content.decode()


@pytest.mark.parametrize("url", ["/privacy/", "/accessibility/"])
def test_the_privacy_notice_and_accessibility_statement_link_to_the_contact_page(client, url):
    html = client.get(url).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'href="/contact/"' in main
    assert OPCC["email"] in main


def test_the_contact_page_is_in_the_sitemap(client):
    assert "http://testserver/contact/" in client.get("/sitemap-pages.xml").content.decode()


# What signing means ----------------------------------------------------------------


SIGNING_MEANS = [
    "Signing is voluntary and self-declared",
    "wherever possible",
    "not an endorsement",
    "gives no advantage in tenders",
    "What we check before listing",
]


def test_the_sign_up_page_the_wall_and_each_signatory_page_say_what_signing_means(client, approved):
    for url in ["/pledge/", "/signatories/", approved.get_absolute_url()]:
        html = client.get(url).content.decode()
        for words in SIGNING_MEANS:
            assert words in html, (url, words)
        assert "usually takes up to 5 working days" in html, url
        assert "{#" not in html and "{%" not in html, url


def test_the_certificate_says_it_too(client, approved):
    html = client.get(f"/signatories/{approved.slug}/certificate/").content.decode()
    assert "voluntary and self-declared" in html
    assert "not an endorsement" in html and "no advantage in tenders" in html


def test_the_review_time_is_a_setting(client, settings):
    settings.REVIEW_DAYS = 3
    assert "usually takes up to 3 working days" in client.get("/pledge/").content.decode()


# Rejections carry a reason the organisation can act on ----------------------------


def test_another_reason_without_a_note_is_refused_beside_the_note(mod_client, pending):
    url = f"/admin/pledges/pledge/{pending.pk}/reject/"
    for note in ["", "   "]:
        response = mod_client.post(url, {"reason": "other", "note": note})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Write a note for “Another reason”" in html
        # Beside the note: its error comes just before its label.
        assert html.index("Write a note for") < html.index('for="id_note"')
    pending.refresh_from_db()
    assert pending.status == S.PENDING


def test_bulk_rejection_for_another_reason_needs_a_note_too(mod_client):
    pledges = [make_pledge(status=S.PENDING) for _ in range(2)]
    data = {
        "action": "reject_selected",
        "_selected_action": [p.pk for p in pledges],
        "confirm": "yes",
        "reason": "other",
    }
    response = mod_client.post("/admin/pledges/pledge/?status=all", data)
    assert "Write a note for “Another reason”" in response.content.decode()
    assert Pledge.objects.filter(status=S.PENDING).count() == 2


def test_the_rejection_email_quotes_the_note_and_says_how_to_appeal(
    mod_client, pending, send_queued
):
    mod_client.post(
        f"/admin/pledges/pledge/{pending.pk}/reject/",
        {"reason": "other", "note": "Your website is not working: send us one that does."},
    )
    pending.refresh_from_db()
    assert pending.status == S.REJECTED
    send_queued()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Your website is not working: send us one that does." in text
        assert "appeal" in text
        assert OPCC["email"] in text and OPCC["phone"] in text


def test_a_change_rejected_for_another_reason_needs_a_note_and_the_email_says_where_to_appeal(
    mod_client, approved, send_queued
):
    change = ProposedChange.objects.create(pledge=approved, values={"statement": "New."})
    url = f"/admin/pledges/proposedchange/{change.pk}/reject/"
    refused = mod_client.post(url, {"reason": "other", "seen": change.revision})
    assert "Write a note for “Another reason”" in refused.content.decode()
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.OPEN
    mod_client.post(url, {"reason": "other", "note": "Say it plainly.", "seen": change.revision})
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.REJECTED
    send_queued()
    (message,) = mail.outbox
    assert "Say it plainly." in message.body and OPCC["email"] in message.body


def test_a_named_reason_still_needs_no_note(mod_client, pending):
    mod_client.post(f"/admin/pledges/pledge/{pending.pk}/reject/", {"reason": "duplicate"})
    pending.refresh_from_db()
    assert pending.status == S.REJECTED


# Other pages that offer the contact address -------------------------------------


def test_the_page_for_a_sign_up_confirmed_second_offers_the_contact_address(client):
    first = make_pledge(name="Preston Pies")
    second = make_pledge(name="Preston Pies")
    first.verify()
    response = client.get(f"/pledge/verify/{make_token(second)}/")
    assert response.status_code == 409
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert OPCC["email"] in main and 'href="/contact/"' in main


def test_the_notice_of_an_address_change_offers_the_contact_address(approved, send_queued):
    approved.ask_to_change_email("new.person@example.org")
    send_queued()
    (notice,) = [m for m in mail.outbox if m.to == [approved.email]]
    assert OPCC["email"] in notice.body and OPCC["phone"] in notice.body
    assert OPCC["email"] in notice.alternatives[0][0]
