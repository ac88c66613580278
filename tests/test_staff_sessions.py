"""Staff sessions end when idle and after a working day; signing out ends them for good."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def move_back(client, **minutes):
    """Move the session's own timestamps back, as if that much time had passed."""
    session = client.session
    for key, value in minutes.items():
        session[f"staff_{key}"] -= value * 60
    session.save()
    return session.session_key


def test_the_settings(settings):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 30
    assert settings.STAFF_SESSION_MAX_HOURS == 12


def test_thirty_idle_minutes_end_a_staff_session(mod_client):
    assert mod_client.get("/admin/").status_code == 200
    key = move_back(mod_client, seen=31)
    response = mod_client.get("/admin/pledges/pledge/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Session.objects.filter(session_key=key).exists()
    page = mod_client.get(response["Location"]).content.decode()
    assert "You were signed out, as the session had ended." in page


def test_activity_keeps_it_going(mod_client):
    mod_client.get("/admin/")
    for _ in range(3):
        move_back(mod_client, seen=29, since=29)
        assert mod_client.get("/admin/").status_code == 200


def test_twelve_hours_end_it_however_busy(mod_client):
    mod_client.get("/admin/")
    move_back(mod_client, since=12 * 60 - 1)
    assert mod_client.get("/admin/").status_code == 200
    key = move_back(mod_client, since=2)
    assert mod_client.get("/admin/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_the_stored_session_expires_with_the_idle_limit(mod_client):
    response = mod_client.get("/admin/")
    row = Session.objects.get(session_key=mod_client.session.session_key)
    idle = timezone.now() + timedelta(minutes=30)
    assert abs(row.expire_date - idle) < timedelta(seconds=30)
    assert 1790 <= int(response.cookies["sessionid"]["max-age"]) <= 1802


def test_near_the_end_of_the_day_it_expires_with_the_day(mod_client):
    mod_client.get("/admin/")
    move_back(mod_client, since=12 * 60 - 10)
    mod_client.get("/admin/")
    row = Session.objects.get(session_key=mod_client.session.session_key)
    assert abs(row.expire_date - (timezone.now() + timedelta(minutes=10))) < timedelta(seconds=30)


def test_signing_out_ends_the_session_on_the_server(client, moderator):
    client.post("/admin/login/?next=/admin/", {"username": "moderator", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    cookie = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=cookie).exists()

    assert client.post("/admin/logout/").status_code == 200
    assert not Session.objects.filter(session_key=cookie).exists()
    # The old cookie, replayed, opens nothing.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/admin/").status_code == 302


def test_other_sessions_keep_their_own_length(client, django_user_model, settings):
    member = django_user_model.objects.create_user("visitor", password=PASSWORD)
    client.force_login(member)
    client.get("/admin/")
    client.get("/")
    session = client.session
    assert "staff_since" not in session and "staff_seen" not in session
    row = Session.objects.get(session_key=session.session_key)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(row.expire_date - (timezone.now() + age)) < timedelta(minutes=1)


def test_public_pages_do_not_touch_a_staff_session(mod_client):
    mod_client.get("/admin/")
    move_back(mod_client, seen=31)
    response = mod_client.get("/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    # Still ended at the next admin request.
    assert mod_client.get("/admin/").status_code == 302
