"""The sign-up journey around the form: checking the answers, the logo kept across
tries, the address named on "check your email", the thank-you page, and withdrawing."""

import html as htmllib
import os
import re
import time
from datetime import timedelta
from urllib.parse import unquote_plus

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pledges.logos import PENDING
from pledges.models import Pledge
from pledges.tokens import make_manage_token, make_token
from tests import test_mail_server
from tests.factories import image_bytes, make_pledge, started
from tests.factories import sign_up_answers as all_answers
from tests.test_mail_server import text_part

# A real SMTP server on loopback, as the mail tests start it.
smtp_settings = test_mail_server.smtp_settings
start_server = test_mail_server.start_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """A visitor who opened the form first, as a browser does: it has a CSRF secret, which
    the form's token and any kept logo are bound to."""
    client.get("/pledge/")
    return client


def visitor_of(client):
    return client.cookies["csrftoken"].value


def sign_up_answers(client, **overrides):
    return all_answers(started=started(60, visitor=visitor_of(client)), **overrides)


def answers(client, **overrides):
    """The form's answers as the form itself sends them: not yet confirmed."""
    return sign_up_answers(client, confirm=None, **overrides)


def hidden_fields(response):
    """The answers a check-your-answers page sends back, as a browser would, after the
    redirect to it that a valid form is answered with."""
    if response.status_code == 302:
        assert response["Location"] == "/pledge/check-your-answers/"
        response = response.client.get(response["Location"])
    page = response.content.decode()
    form = re.search(r'<form method="post" action="/pledge/" class="check-answers">.*?</form>',
                     page, re.S).group(0)  # fmt: skip
    return {
        name: htmllib.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }


def logo_upload():
    return SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")


def pending_files():
    try:
        return default_storage.listdir(PENDING)[1]
    except FileNotFoundError:
        return []


# Check your answers ---------------------------------------------------------------


def test_a_valid_form_shows_the_answers_to_check_and_saves_nothing(client):
    response = client.post(
        "/pledge/", answers(client, phone="01772123456", sector="hospitality"), follow=True
    )
    # Through a redirect, so that Back from "check your email" finds a page to show.
    assert response.redirect_chain == [("/pledge/check-your-answers/", 302)]
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<h1>Check your answers before signing</h1>" in page
    for shown in [
        "Ribble Valley Bakery",
        "Business",
        "Hotels, pubs, cafés and restaurants",
        "Small (10–49 employees)",
        "Ribble Valley",
        "BB7 2AA",
        "We buy our flour from Lancashire mills.",
        "We commit to spend through local and regional firms",
        "We commit to pay the real Living Wage",
        "Jo Baker",
        "jo@ribble-bakery.example",
        "01772 123456",  # as a person in the UK writes it, not +441772123456
    ]:
        assert shown in page, shown
    assert "+441772123456" not in page
    assert "Confirm and sign" in page
    # A change button for each answer, each back to its own question.
    changes = re.findall(r'name="change" value="([\w-]+)" formaction="/pledge/#\1"', page)
    assert changes[:3] == ["id_name", "id_organisation_type_0", "id_sector"]
    assert {"commitments", "id_logo", "id_email", "id_phone"} <= set(changes)
    assert not Pledge.objects.exists()


def test_confirming_the_answers_sends_them_back_and_saves_the_pledge(client, send_queued):
    check = client.post("/pledge/", answers(client, statement="Line one\r\nLine two"))
    sent_back = hidden_fields(check)
    assert sent_back["name"] == "Ribble Valley Bakery"
    assert sent_back["statement"] == "Line one\r\nLine two"
    response = client.post("/pledge/", {**sent_back, "confirm": "yes"})
    assert response["Location"] == "/pledge/check-your-email/"
    pledge = Pledge.objects.get()
    assert (pledge.name, pledge.statement) == ("Ribble Valley Bakery", "Line one\nLine two")
    assert [theme.slug for theme in pledge.themes] == ["local-spend", "living-wage"]
    send_queued()
    assert [message.to for message in mail.outbox] == [["jo@ribble-bakery.example"]]


def test_change_shows_the_form_again_with_every_answer_kept(client):
    sent_back = hidden_fields(client.post("/pledge/", answers(client, phone="07911 123456")))
    response = client.post("/pledge/", {**sent_back, "change": "id_email"})
    page = response.content.decode()
    assert "<h1>Sign the pledge</h1>" in page
    assert "There is a problem" not in page
    assert 'value="jo@ribble-bakery.example"' in page
    assert 'value="07911 123456"' in page
    assert re.search(r'<input type="radio"[^>]*value="business"[^>]*checked', page)
    assert re.search(r'name="commits_living_wage"[^>]*checked', page)
    assert "We buy our flour from Lancashire mills." in page
    assert not Pledge.objects.exists()


def test_the_bot_checks_run_on_the_final_submit(client):
    # A honeypot filled on the form is carried through the check page and caught at the end.
    sent_back = hidden_fields(client.post("/pledge/", answers(client, leave_blank="http://spam")))
    assert sent_back["leave_blank"] == "http://spam"
    response = client.post("/pledge/", {**sent_back, "confirm": "yes"})
    assert response["Location"] == "/pledge/check-your-email/"
    assert not Pledge.objects.exists()


def test_the_form_token_is_spent_only_by_the_final_submit_and_only_once(client):
    sent_back = hidden_fields(client.post("/pledge/", answers(client)))
    # Showing the check page again (a refresh, a change) does not spend it.
    hidden_fields(client.post("/pledge/", sent_back))
    client.post("/pledge/", {**sent_back, "confirm": "yes"})
    client.post("/pledge/", {**sent_back, "confirm": "yes"})  # a replay
    assert Pledge.objects.count() == 1


def test_once_sent_the_answers_are_not_offered_again(client):
    # Back from "check your email" comes to the check page's address: the form, empty.
    sent_back = hidden_fields(client.post("/pledge/", answers(client)))
    client.post("/pledge/", {**sent_back, "confirm": "yes"})
    back = client.get("/pledge/check-your-answers/")
    assert back["Location"] == "/pledge/"
    assert Pledge.objects.count() == 1


def test_the_waiting_answers_are_kept_no_longer_than_the_form_works(client, settings):
    from django.contrib.sessions.models import Session

    client.post("/pledge/", answers(client))
    (session,) = Session.objects.all()
    left = session.expire_date - timezone.now()
    assert (
        settings.PLEDGE_FORM_MAX_AGE - timedelta(minutes=1) < left <= settings.PLEDGE_FORM_MAX_AGE
    )


def test_a_name_taken_while_checking_shows_the_form_with_the_answers(client):
    client.post("/pledge/", answers(client))
    make_pledge(status=Pledge.Status.APPROVED, name="Ribble Valley Bakery")
    page = client.get("/pledge/check-your-answers/").content.decode()
    assert "There is a problem" in page and 'value="Jo Baker"' in page


def test_a_mistake_on_the_check_page_goes_back_to_the_form(client):
    # Say the name was taken while the person checked: the form says so beside the field.
    sent_back = hidden_fields(client.post("/pledge/", answers(client)))
    make_pledge(status=Pledge.Status.APPROVED, name="Ribble Valley Bakery")
    page = client.post("/pledge/", {**sent_back, "confirm": "yes"}).content.decode()
    assert "There is a problem" in page and "already" in page
    assert Pledge.objects.count() == 1


# The logo survives a mistake ------------------------------------------------------


def test_a_logo_is_kept_when_the_form_has_a_mistake(client):
    response = client.post("/pledge/", {**answers(client, name=""), "logo": logo_upload()})
    page = response.content.decode()
    assert "Enter your organisation’s name." in page
    src = re.search(r'<img src="(/pledge/kept-logo/[^"]+)" alt="The logo you chose"', page)
    assert src, "the kept logo's thumbnail is shown"
    reference = re.search(r'name="logo_ref" value="([^"]+)"', page).group(1)
    assert 'name="remove_logo"' in page and "Remove this logo" in page
    assert "A different logo (optional)" in page
    thumbnail = client.get(htmllib.unescape(src.group(1)))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    assert b"".join(thumbnail.streaming_content).startswith(b"\x89PNG")
    assert len(pending_files()) == 1

    # Fixed, checked and confirmed: the kept logo becomes the pledge's, and only its copy stays.
    sent_back = hidden_fields(client.post("/pledge/", answers(client, logo_ref=reference)))
    assert sent_back["logo_ref"] == reference
    client.post("/pledge/", {**sent_back, "confirm": "yes"})
    pledge = Pledge.objects.get()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", pledge.logo.name)
    assert pending_files() == []


def test_a_kept_logo_can_be_removed(client):
    page = client.post(
        "/pledge/", {**answers(client, name=""), "logo": logo_upload()}
    ).content.decode()
    reference = re.search(r'name="logo_ref" value="([^"]+)"', page).group(1)
    client.post("/pledge/", sign_up_answers(client, logo_ref=reference, remove_logo="on"))
    assert not Pledge.objects.get().logo
    assert pending_files() == []


def test_a_new_logo_replaces_the_kept_one(client):
    page = client.post(
        "/pledge/", {**answers(client, name=""), "logo": logo_upload()}
    ).content.decode()
    reference = re.search(r'name="logo_ref" value="([^"]+)"', page).group(1)
    jpeg = SimpleUploadedFile("new.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    client.post("/pledge/", {**sign_up_answers(client, logo_ref=reference), "logo": jpeg})
    assert Pledge.objects.get().logo.name.endswith(".jpg")
    assert pending_files() == []


def test_a_bad_new_logo_is_refused_and_the_kept_one_stays(client):
    page = client.post(
        "/pledge/", {**answers(client, name=""), "logo": logo_upload()}
    ).content.decode()
    reference = re.search(r'name="logo_ref" value="([^"]+)"', page).group(1)
    svg = SimpleUploadedFile("x.svg", b"<svg/>", content_type="image/svg+xml")
    page = client.post(
        "/pledge/", {**answers(client, logo_ref=reference), "logo": svg}
    ).content.decode()
    assert "Other files, including SVG, are not accepted." in page
    assert f'name="logo_ref" value="{reference}"' in page
    assert "The logo you chose" in page


@pytest.mark.parametrize("reference", ["x", "W10:1tAb:abc", "a" * 500])
def test_a_forged_or_expired_logo_reference_asks_for_the_logo_again(client, reference):
    page = client.post("/pledge/", sign_up_answers(client, logo_ref=reference)).content.decode()
    assert "We could not keep the logo you chose. Choose it again, or leave it out." in page
    assert f'value="{reference}"' not in page  # not sent on again
    assert not Pledge.objects.exists()
    assert client.get(f"/pledge/kept-logo/{reference}").status_code == 404


def test_another_visitor_can_neither_see_nor_take_a_kept_logo(client):
    page = client.post(
        "/pledge/", {**answers(client, name=""), "logo": logo_upload()}
    ).content.decode()
    reference = re.search(r'name="logo_ref" value="([^"]+)"', page).group(1)
    other = Client()
    other.cookies["csrftoken"] = "b" * 32  # another visitor's CSRF secret
    assert other.get(f"/pledge/kept-logo/{reference}").status_code == 404
    page = other.post("/pledge/", answers(other, logo_ref=reference)).content.decode()
    assert "The logo you chose" not in page
    assert "We could not keep the logo you chose." in page
    other.post("/pledge/", sign_up_answers(other, logo_ref=reference))
    assert not Pledge.objects.exists()
    assert pending_files() != []  # still there for its own visitor


def test_the_purge_deletes_kept_logos_older_than_a_day(client):
    client.post("/pledge/", {**answers(client, name=""), "logo": logo_upload()})
    client.post(
        "/pledge/", {**answers(client, name="", email="x@y.example"), "logo": logo_upload()}
    )
    old, fresh = sorted(pending_files())
    day_ago = time.time() - timedelta(days=1, minutes=1).total_seconds()
    os.utime(default_storage.path(PENDING + old), (day_ago, day_ago))
    call_command("purge_pledges", verbosity=0)
    assert pending_files() == [fresh]


# Check your email, and thank you ----------------------------------------------------


def test_check_your_email_names_the_address_to_the_visitor_who_signed_only(client):
    response = client.post("/pledge/", sign_up_answers(client), follow=True)
    page = response.content.decode()
    assert "We are sending an email to <strong" in page
    assert "jo@ribble-bakery.example" in page
    stranger = Client().get("/pledge/check-your-email/").content.decode()
    assert "jo@ribble-bakery.example" not in stranger
    assert "We are sending you an email" in stranger


def test_a_refused_bot_sees_the_same_page_as_a_person(client):
    page = client.post(
        "/pledge/", sign_up_answers(client, leave_blank="x"), follow=True
    ).content.decode()
    assert "We are sending an email to <strong" in page
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    "days, words", [(None, "up to 5 working days"), (3, "up to 3 working days")]
)
def test_the_thank_you_page_says_how_long_review_takes_and_what_the_manage_link_is_for(
    client, settings, days, words
):
    if days:
        settings.REVIEW_DAYS = days
    pledge = make_pledge()
    page = client.post(f"/pledge/verify/{make_token(pledge)}/").content.decode()
    assert "Thank you for signing" in page
    assert words in page
    assert "link to manage your pledge" in page and "withdraw the pledge" in page


def test_the_thank_you_page_shares_no_commitment_the_organisation_did_not_make(client):
    pledge = make_pledge(commits_local_spend=True)  # that one only
    page = client.post(f"/pledge/verify/{make_token(pledge)}/").content.decode()
    shares = " ".join(unquote_plus(link) for link in re.findall(r'href="(https://[^"]+)"', page))
    assert "Backing Lancashire pledge" in shares
    for claim in ("Living Wage", "create jobs", "protect the environment"):
        assert claim not in shares


# Withdrawing ------------------------------------------------------------------


def test_withdrawing_sends_a_confirmation_to_the_address_it_erases(
    client, start_server, send_queued
):
    inbox = start_server()
    pledge = make_pledge(status=Pledge.Status.APPROVED, email="owner@acme.example")
    token = make_manage_token(pledge)
    client.post(f"/pledge/manage/{token}/withdraw/")
    pledge.refresh_from_db()
    assert pledge.email == ""  # erased at once
    send_queued()
    ((recipients, message),) = inbox.messages
    assert recipients == ["owner@acme.example"]
    assert message["Subject"] == "Your Backing Lancashire pledge has been withdrawn"
    body = text_part(message)
    assert pledge.name in body and "erased the contact details" in body


def test_staff_withdrawing_sends_no_confirmation_to_the_organisation(send_queued, moderator):
    pledge = make_pledge(status=Pledge.Status.APPROVED)
    pledge.withdraw(by=moderator)
    send_queued()
    assert mail.outbox == []


def test_a_used_manage_link_of_a_withdrawn_pledge_says_it_was_withdrawn(client):
    pledge = make_pledge(status=Pledge.Status.APPROVED)
    token = make_manage_token(pledge)
    client.post(f"/pledge/manage/{token}/withdraw/")
    for path in ("", "withdraw/"):
        response = client.get(f"/pledge/manage/{token}/{path}")
        assert response.status_code == 410
        page = response.content.decode()
        assert "This pledge has been withdrawn" in page
        assert "copied wrongly" not in page
