"""Failed sign-ins lock a username only where they came from; elsewhere they slow it down."""

import pytest
from django.core.cache import cache
from django.test import Client

from backing_lancashire import staff
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

A, B = "192.0.2.10", "198.51.100.7"


def sign_in(client, password, ip, username="moderator"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_wrong_passwords_from_one_address_do_not_lock_out_another(client, moderator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        sign_in(client, "wrong", A)
    response = sign_in(client, PASSWORD, B)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_they_lock_the_address_they_came_from(client, moderator):
    for _ in range(4):
        assert sign_in(client, "wrong", A).status_code == 200
    assert sign_in(client, "wrong", A).status_code == 429
    locked = sign_in(client, PASSWORD, A)
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()


def paused(response):
    return staff.PAUSED_MESSAGE in response.content.decode()


def fail_from_many_addresses(client, times, username="moderator"):
    for n in range(times):
        response = sign_in(client, "wrong", f"203.0.113.{n + 1}", username)
        assert response.status_code == 200 and not paused(response)


def test_failures_from_many_addresses_pause_the_username_for_a_minute(client, moderator):
    fail_from_many_addresses(client, staff.SLOWDOWN_AFTER)
    # From anywhere new, right or wrong, the answer is the same: wait a minute.
    wrong = sign_in(client, "wrong", B)
    right = sign_in(client, PASSWORD, B)
    assert wrong.status_code == right.status_code == 200
    assert paused(wrong) and paused(right)
    assert "_auth_user_id" not in client.session

    # A minute later the right password works, at the moderator's own address.
    key = staff._key("paused", "moderator")
    cache.set(key, cache.get(key) - staff.PAUSE - 1)
    response = sign_in(client, PASSWORD, B)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_each_failure_past_the_threshold_pauses_again(client, moderator):
    fail_from_many_addresses(client, staff.SLOWDOWN_AFTER)
    key = staff._key("paused", "moderator")
    cache.set(key, cache.get(key) - staff.PAUSE - 1)
    assert not paused(sign_in(client, "wrong", B))
    assert paused(sign_in(client, PASSWORD, B))


def test_fewer_failures_do_not_pause(client, moderator):
    fail_from_many_addresses(client, staff.SLOWDOWN_AFTER - 1)
    assert sign_in(client, PASSWORD, B).status_code == 302


def test_the_pause_is_only_for_that_username(client, moderator, django_user_model):
    django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    fail_from_many_addresses(client, staff.SLOWDOWN_AFTER)
    assert sign_in(client, PASSWORD, B, username="editor").status_code == 302


def test_a_browser_that_signed_in_before_is_not_paused(client, moderator):
    assert sign_in(client, PASSWORD, A).status_code == 302
    assert client.cookies[staff.KNOWN_BROWSER_COOKIE]["httponly"]
    client.post("/admin/logout/")
    fail_from_many_addresses(client.__class__(), staff.SLOWDOWN_AFTER)

    # The stranger's failures slow new browsers; the moderator's own still signs in.
    assert paused(sign_in(client.__class__(), PASSWORD, B))
    response = sign_in(client, PASSWORD, A)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_forged_known_browser_cookie_does_not_help(client, moderator):
    fail_from_many_addresses(client, staff.SLOWDOWN_AFTER)
    client.cookies[staff.KNOWN_BROWSER_COOKIE] = "moderator"
    assert paused(sign_in(client, PASSWORD, B))


def test_one_address_trying_many_usernames_waits_a_quarter_of_an_hour(client, moderator):
    # Axes locks each username at this address after five failures; trying a few
    # passwords for each of many usernames is what the address count stops.
    for n in range(staff.ADDRESS_FAILURES):
        response = sign_in(client, "wrong", A, username=f"user{n}")
        assert staff.ADDRESS_PAUSED_MESSAGE not in response.content.decode()
    refused = sign_in(client, PASSWORD, A)
    assert staff.ADDRESS_PAUSED_MESSAGE in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Other addresses are not held up.
    assert sign_in(client, PASSWORD, B).status_code == 302


def test_the_address_pause_never_keeps_a_known_browser_out(client, moderator):
    assert sign_in(client, PASSWORD, A).status_code == 302  # this browser is known now
    client.post("/admin/logout/")
    stranger = Client()
    for n in range(staff.ADDRESS_FAILURES):
        sign_in(stranger, "wrong", A, username=f"user{n}")
    assert staff.ADDRESS_PAUSED_MESSAGE in sign_in(stranger, PASSWORD, A).content.decode()
    assert sign_in(client, PASSWORD, A).status_code == 302
