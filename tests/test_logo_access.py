"""A logo's public address answers only while its pledge is approved; its organisation
(through the manage link) and staff (through the admin) still see it."""

import re

import pytest
from django.core.files.base import ContentFile

from pledges.models import Pledge
from pledges.tokens import make_manage_token
from tests.factories import image_bytes, make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def with_logo(status):
    pledge = make_pledge(status=status)
    pledge.logo.save("l.png", ContentFile(image_bytes()))
    return pledge


def public_url(pledge):
    return "/media/" + pledge.logo.name


def served(response):
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response.status_code == 200 and body.startswith(b"\x89PNG")


def test_an_approved_pledges_logo_is_served_for_five_minutes_at_most(client):
    pledge = with_logo(S.APPROVED)
    response = client.get(public_url(pledge))
    assert served(response)
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("status", [S.UNVERIFIED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_a_logo_is_not_served_unless_its_pledge_is_approved(client, settings, status):
    pledge = with_logo(status)
    assert (settings.MEDIA_ROOT / pledge.logo.name).exists()
    assert client.get(public_url(pledge)).status_code == 404


def test_a_withdrawn_logo_is_gone_at_once(client, staff, django_capture_on_commit_callbacks):
    pledge = with_logo(S.APPROVED)
    assert served(client.get(public_url(pledge)))  # and remembered for this version
    with django_capture_on_commit_callbacks(execute=True):
        pledge.withdraw(by=staff)
    assert client.get(public_url(pledge)).status_code == 404


def test_a_logo_follows_its_pledge_on_to_the_list_and_off_it(
    client, staff, django_capture_on_commit_callbacks
):
    pledge = with_logo(S.PENDING)
    assert client.get(public_url(pledge)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        pledge.approve(by=staff)
    assert served(client.get(public_url(pledge)))
    with django_capture_on_commit_callbacks(execute=True):
        pledge.withdraw(by=staff)
    assert client.get(public_url(pledge)).status_code == 404


@pytest.mark.parametrize("status", [S.PENDING, S.APPROVED])
def test_the_manage_page_shows_the_logo_through_its_own_link(client, status):
    pledge = with_logo(status)
    token = make_manage_token(pledge)
    page = client.get(f"/pledge/manage/{token}/").content.decode()
    src = re.search(r'<img class="signatory-logo" src="([^"]+)"', page).group(1)
    assert src == f"/pledge/manage/{token}/logo"
    response = client.get(src)
    assert served(response)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_bad_manage_link_shows_no_logo(client):
    pledge = with_logo(S.APPROVED)
    assert client.get("/pledge/manage/not-a-token/logo").status_code == 404
    other = make_pledge(status=S.APPROVED)  # a good link, to a pledge without a logo
    assert client.get(f"/pledge/manage/{make_manage_token(other)}/logo").status_code == 404
    assert pledge.logo


@pytest.mark.parametrize("status", [S.PENDING, S.REJECTED, S.WITHDRAWN, S.APPROVED])
def test_the_admin_shows_the_logo_whatever_the_status(mod_client, status):
    pledge = with_logo(status)
    page = mod_client.get(f"/admin/pledges/pledge/{pledge.pk}/change/").content.decode()
    name = pledge.logo.name.removeprefix("logos/")
    url = f"/admin/pledges/pledge/logo/{name}"
    assert f'href="{url}"' in page
    response = mod_client.get(url)
    assert served(response)
    assert "no-store" in response["Cache-Control"]


def test_only_staff_who_may_view_pledges_see_logos_through_the_admin(client, staff):
    pledge = with_logo(S.WITHDRAWN)
    url = "/admin/pledges/pledge/logo/" + pledge.logo.name.removeprefix("logos/")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 403  # staff, but in no group
