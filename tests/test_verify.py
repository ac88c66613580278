import re
import time

import pytest
from django.core import mail, signing

from pledges.models import Pledge
from pledges.tokens import VERIFY_SALT, make_token
from tests.factories import make_pledge, sign_up_answers

pytestmark = pytest.mark.django_db


class OldSigner(signing.TimestampSigner):
    """Signs as if eight days ago, to make a link that has expired."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)


def link_in(message):
    return re.search(r"http://127\.0\.0\.1:8000(/pledge/verify/[^/\s]+/)", message.body).group(1)


def test_following_the_link_confirms_the_pledge_and_tells_moderators(
    client, moderator, admin_user, settings, send_queued
):
    settings.MODERATOR_EMAILS = ["queue@opcc.example"]
    client.post("/pledge/", sign_up_answers())
    send_queued()
    link = link_in(mail.outbox[0])
    mail.outbox.clear()

    confirm = client.get(link)
    assert "Confirm our pledge" in confirm.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.UNVERIFIED  # opening is not confirming
    response = client.post(link)

    assert response.status_code == 200
    assert "Thank you for signing" in response.content.decode()
    assert "What happens next" in response.content.decode()
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.PENDING
    assert pledge.verified_at is not None
    assert list(pledge.events.values_list("action", "from_status", "to_status", "actor")) == [
        ("submitted", "", "unverified", None),
        ("verified", "unverified", "pending", None),
    ]
    send_queued()
    # The Moderators group and superusers may change pledges, so each is told.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [moderator.email, admin_user.email, "queue@opcc.example"]
    )
    for message in mail.outbox:
        assert message.subject == "New pledge to review: Ribble Valley Bakery"
        assert f"http://127.0.0.1:8000/admin/pledges/pledge/{pledge.pk}/change/" in message.body
        assert "jo@ribble-bakery.example" not in message.body


def test_staff_without_the_pledge_permission_are_not_told(client, staff, unverified, send_queued):
    client.post(f"/pledge/verify/{make_token(unverified)}/")
    assert Pledge.objects.get().status == Pledge.Status.PENDING
    send_queued()
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_link_says_so_and_changes_nothing(
    client, moderator, unverified, method, send_queued
):
    client.post(f"/pledge/verify/{make_token(unverified)}/")
    send_queued()
    mail.outbox.clear()
    response = getattr(client, method)(f"/pledge/verify/{make_token(unverified)}/")
    assert response.status_code == 200
    assert "You have already confirmed your email" in response.content.decode()
    assert unverified.events.count() == 2
    send_queued()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "status", [Pledge.Status.APPROVED, Pledge.Status.REJECTED, Pledge.Status.WITHDRAWN]
)
def test_a_link_for_a_decided_pledge_changes_nothing(client, moderator, status, send_queued):
    pledge = make_pledge(status=status)
    response = client.post(f"/pledge/verify/{make_token(pledge)}/")
    assert "You have already confirmed your email" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == status
    assert pledge.events.count() == 1
    send_queued()
    assert mail.outbox == []


def test_an_expired_link_offers_a_new_one(client, unverified):
    token = OldSigner(salt=VERIFY_SALT).sign_object(unverified.pk)
    response = client.get(f"/pledge/verify/{token}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link has expired" in html
    assert "Confirmation links work for 7 days, and this one is older." in html
    assert 'href="/pledge/resend/"' in html
    assert Pledge.objects.get().status == Pledge.Status.UNVERIFIED


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "MQ:1tAbCd:0000000000000000000000000000000000000000000",
        "%00%27%22%3Cscript%3E",
        "a" * 5000,
    ],
)
def test_a_tampered_link_is_refused_clearly(client, unverified, token):
    response = client.get(f"/pledge/verify/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.status == Pledge.Status.UNVERIFIED


def test_a_token_from_another_purpose_is_refused(client, unverified):
    token = signing.dumps(unverified.pk, salt="some.other.purpose")
    assert client.get(f"/pledge/verify/{token}/").status_code == 400


def test_a_link_to_a_deleted_pledge_explains_and_offers_a_way_on(client, unverified):
    token = make_token(unverified)
    unverified.delete()
    response = client.get(f"/pledge/verify/{token}/")
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()


def test_the_confirm_pages_never_share_their_token(client, unverified):
    token = make_token(unverified)
    for response in (
        client.get(f"/pledge/verify/{token}/"),
        client.post(f"/pledge/verify/{token}/"),
    ):
        html = response.content.decode()
        assert token not in html.replace(f'action="/pledge/verify/{token}/"', "")
        assert '<meta property="og:url" content="http://127.0.0.1:8000/pledge/">' in html


def test_the_thank_you_page_says_it_shares_the_sign_up_page(client, unverified):
    html = client.post(f"/pledge/verify/{make_token(unverified)}/").content.decode()
    assert (
        "ask the organisations you work with to sign too: share the link to the sign-up page"
        in html
    )
    copy = re.search(r'<a [^>]*data-copy="([^"]+)"[^>]*>(.*?)</a>', html)
    assert copy[1] == "http://127.0.0.1:8000/pledge/"
    assert 'data-copy-label="Copy the link to the sign-up page"' in copy[0]
    assert copy[2] == '<span class="copy-label">Link to the sign-up page</span>'
    assert "this page" not in html[html.index('<ul class="share">') :]
