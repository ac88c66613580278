import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db


def test_resend_sends_a_fresh_link_to_an_unverified_pledge(client, send_queued):
    pledge = make_pledge(email="jo@ribble-bakery.example")
    response = client.post("/pledge/resend/", {"email": "JO@Ribble-Bakery.example"})
    assert response.status_code == 302
    assert response["Location"] == "/pledge/resend/sent/"
    send_queued()
    (message,) = mail.outbox
    assert message.to == [pledge.email]
    link = message.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert client.post(link).status_code == 200
    assert Pledge.objects.get().status == Pledge.Status.PENDING


@pytest.mark.parametrize(
    "status, sent",
    [
        (Pledge.Status.UNVERIFIED, 1),
        (Pledge.Status.PENDING, 0),
        (Pledge.Status.APPROVED, 0),
        (Pledge.Status.WITHDRAWN, 0),
    ],
)
def test_resend_says_the_same_whether_or_not_a_pledge_waits(client, status, sent, send_queued):
    # Only a pledge waiting for its confirmation gets a link, but the page never says which.
    make_pledge(email="known@example.org", status=status)
    known = client.post("/pledge/resend/", {"email": "known@example.org"}, follow=True)
    unknown = client.post("/pledge/resend/", {"email": "nobody@example.org"}, follow=True)
    assert known.content == unknown.content
    send_queued()
    assert len(mail.outbox) == sent


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter the email address you signed with."),
        ("not-an-email", "Enter an email address in the right form, like name@example.org"),
        ("a" * 300 + "@example.org", "Enter an email address of 254 characters or fewer."),
    ],
)
def test_resend_explains_a_bad_address(client, email, message):
    response = client.post("/pledge/resend/", {"email": email})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<li><a href="#id_email">' in html
    assert not DBTaskResult.objects.exists()  # no email queued


def test_resend_page_has_its_form(client):
    html = client.get("/pledge/resend/").content.decode()
    assert "Get a new confirmation link" in html
    assert 'name="email"' in html and 'autocomplete="email"' in html
