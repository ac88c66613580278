import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django_tasks_db.models import DBTaskResult

from backing_lancashire.client import client_ip
from pledges.abuse import over_limit
from pledges.forms import read_started
from pledges.models import Pledge
from tests.factories import sign_up_answers, started

pytestmark = pytest.mark.django_db


def sign(client, n, **extra):
    answers = sign_up_answers(name=f"Organisation {n}", email=f"o{n}@example.org")
    return client.post("/pledge/", answers, **extra)


def test_sign_up_is_limited_per_client(client, settings, send_queued):
    settings.PLEDGE_RATE_LIMIT = "5/h"
    for n in range(5):
        assert sign(client, n).status_code == 302
    response = sign(client, 5)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Pledge.objects.count() == 5
    send_queued()
    assert len(mail.outbox) == 5


def test_another_client_has_its_own_allowance(client, settings):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    assert sign(client, 1, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert sign(client, 2, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert sign(client, 3, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_limit(client, settings):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    settings.TRUSTED_PROXY_COUNT = 0
    assert sign(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert sign(client, 2, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429


def test_behind_a_trusted_proxy_the_limit_follows_the_real_client(client, settings):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; anything to its left is the client's own claim.
    assert sign(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert sign(client, 2, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7").status_code == 429
    assert sign(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


@pytest.mark.parametrize(
    "proxies, header, expected",
    [
        (0, "198.51.100.1", "127.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.1, 198.51.100.1", "198.51.100.1"),
        (2, "203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "10.0.0.9", "127.0.0.1"),  # fewer hops than proxies: not what our proxies send
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, header, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected


def test_the_limit_can_be_switched_off(client, settings):
    settings.PLEDGE_RATE_LIMIT = None
    for n in range(8):
        assert sign(client, n).status_code == 302


def test_resend_is_limited_too(client, settings):
    settings.PLEDGE_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post("/pledge/resend/", {"email": "a@example.org"}).status_code == 302
    assert client.post("/pledge/resend/", {"email": "a@example.org"}).status_code == 429


def test_a_filled_honeypot_saves_nothing_and_says_nothing(client):
    response = client.post("/pledge/", sign_up_answers(leave_blank="0161 000 0000"))
    assert response.status_code == 302
    assert response["Location"] == "/pledge/check-your-email/"
    assert not Pledge.objects.exists()
    assert not DBTaskResult.objects.exists()  # no email queued


@pytest.mark.parametrize("token", ["", "forged", "one second ago"])
def test_a_form_sent_too_fast_or_without_its_start_time_saves_nothing(client, settings, token):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    if token == "one second ago":
        token = started(seconds_ago=1)
    response = client.post("/pledge/", sign_up_answers(started=token))
    assert response.status_code == 302
    assert not Pledge.objects.exists()
    assert not DBTaskResult.objects.exists()  # no email queued


def test_a_form_token_signs_up_one_organisation_only(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    token = started(seconds_ago=60)
    for n in range(3):
        answers = sign_up_answers(name=f"Organisation {n}", email=f"o{n}@example.org")
        response = client.post("/pledge/", {**answers, "started": token})
        assert response["Location"] == "/pledge/check-your-email/"
    assert list(Pledge.objects.values_list("name", flat=True)) == ["Organisation 0"]


def test_a_form_refused_by_the_limit_can_be_sent_again_later(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    settings.PLEDGE_RATE_LIMIT = "1/h"
    assert sign(client, 0).status_code == 302
    answers = sign_up_answers(name="Organisation 1", email="o1@example.org")
    assert client.post("/pledge/", answers).status_code == 429
    cache.clear()  # an hour later
    assert client.post("/pledge/", answers)["Location"] == "/pledge/check-your-email/"
    assert Pledge.objects.filter(name="Organisation 1").exists()


def test_a_form_token_works_only_for_the_visitor_it_was_shown_to(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    shown = client.get("/pledge/")
    secret = shown.cookies[settings.CSRF_COOKIE_NAME].value
    token = re.search(r'name="started" value="([^"]+)"', shown.content.decode()).group(1)
    assert read_started(token, secret) is not None

    # Another visitor (another CSRF secret) cannot use it.
    stranger = Client()
    stranger.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert stranger.post("/pledge/", sign_up_answers(started=token)).status_code == 302
    assert not Pledge.objects.exists()

    # The visitor it was shown to can, once the minimum time has passed.
    answers = sign_up_answers(started=started(seconds_ago=60, visitor=secret))
    assert client.post("/pledge/", answers).status_code == 302
    assert Pledge.objects.count() == 1


def test_a_form_open_too_long_is_sent_back_with_a_message_and_a_fresh_token(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    secret = client.get("/pledge/").cookies[settings.CSRF_COOKIE_NAME].value
    old = started(seconds_ago=3 * 3600, visitor=secret)
    response = client.post("/pledge/", sign_up_answers(started=old))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This form was open for more than 2 hours, so we could not take it." in html
    assert 'value="Ribble Valley Bakery"' in html  # nothing typed is lost
    assert not Pledge.objects.exists()
    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    shown = read_started(fresh, secret)
    assert shown is not None and time.time() - shown < 60
    # Sent straight back, it goes through: the person is not taken for a bot.
    answers = sign_up_answers(started=fresh)
    assert client.post("/pledge/", answers)["Location"] == "/pledge/check-your-email/"
    assert Pledge.objects.count() == 1


def test_the_fill_time_check_can_be_switched_off(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    assert client.post("/pledge/", sign_up_answers(started="")).status_code == 302
    assert Pledge.objects.count() == 1


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get("/pledge/").content.decode()
    assert re.search(r'class="trap"\s+aria-hidden="true">\s*<div id="div_id_leave_blank"', html)
    assert 'name="leave_blank"' in html and 'tabindex="-1"' in html


def test_a_half_filled_form_sent_at_once_still_shows_its_errors(client, settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    response = client.post("/pledge/", {"started": started(seconds_ago=0)})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_an_empty_remote_address_is_a_configuration_error(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post("/pledge/", REMOTE_ADDR="")
    assert client_ip(request) is None
    with pytest.raises(ImproperlyConfigured):
        over_limit(request, "sign")


@pytest.mark.parametrize(
    "proxies, remote, header, expected",
    [
        (0, "::ffff:203.0.113.5", "", "203.0.113.5"),
        (0, "::FFFF:cb00:7105", "", "203.0.113.5"),
        (1, "127.0.0.1", "::ffff:198.51.100.1", "198.51.100.1"),
        (0, "2001:db8::1", "", "2001:db8::1"),
    ],
)
def test_an_ipv4_client_seen_through_ipv6_is_known_by_its_ipv4_address(
    settings, proxies, remote, header, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_ipv4_clients_seen_through_ipv6_each_have_their_own_allowance(client, settings):
    # A server listening on IPv6 sees IPv4 clients so; all of them are in ::ffff:0:0/96.
    settings.PLEDGE_RATE_LIMIT = "1/h"
    assert sign(client, 1, REMOTE_ADDR="::ffff:203.0.113.5").status_code == 302
    assert sign(client, 2, REMOTE_ADDR="::ffff:203.0.113.6").status_code == 302
    assert sign(client, 3, REMOTE_ADDR="::ffff:203.0.113.5").status_code == 429
    # ...and one is the same client whether it arrives over IPv4 or IPv6.
    assert sign(client, 4, REMOTE_ADDR="203.0.113.6").status_code == 429
