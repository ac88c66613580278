"""Malformed and unexpected requests get the right 4xx, never a 500, and save nothing."""

import pytest
from django.test import Client

from pledges.models import Pledge
from tests.factories import sign_up_answers

pytestmark = pytest.mark.django_db

READ_ONLY = ["/", "/spend/", "/signatories/", "/signatories.csv", "/signatories/feed/"]
FORMS = ["/pledge/", "/pledge/resend/", "/pledge/manage/", "/pledge/verify/x/"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    body = b"x" * 2_600_000
    response = client.generic(
        "POST", "/pledge/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "That file is too large" in response.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("url", ["/pledge/resend/", "/pledge/manage/"])
def test_a_form_body_over_djangos_limit_is_a_400(client, url):
    response = client.post(url, {"email": "a@example.org", "padding": "x" * 4_000_000})
    assert response.status_code == 400


def test_too_many_fields_is_a_400(client):
    fields = "&".join(f"f{n}=1" for n in range(1500))
    response = client.generic(
        "POST", "/pledge/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", READ_ONLY + FORMS)
def test_other_methods_are_refused(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405, (url, method, response.status_code)


@pytest.mark.parametrize("url", READ_ONLY)
def test_a_post_to_a_page_that_takes_none_is_refused(client, url):
    # The test client skips the CSRF check, which would otherwise answer first with a 403.
    assert client.post(url, {"a": "b"}).status_code == 405


def test_a_sign_up_without_its_csrf_token_is_refused_and_saves_nothing():
    response = Client(enforce_csrf_checks=True).post("/pledge/", sign_up_answers())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form has expired" in html
    assert 'href="/pledge/">Go back to the form and try again' in html
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil.example", "a" * 300])
def test_a_host_we_do_not_serve_is_a_400(client, host):
    assert client.get("/", HTTP_HOST=host).status_code == 400


def test_a_logo_is_served_by_its_name_and_nothing_else_is(client, settings):
    from django.core.files.base import ContentFile

    from tests.factories import image_bytes, make_pledge

    pledge = make_pledge(status=Pledge.Status.APPROVED)
    pledge.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    response = client.get("/media/" + pledge.logo.name)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response.close()
    (settings.MEDIA_ROOT / "secret.txt").write_text("not a logo")
    for name in ("0" * 32 + ".png", "../secret.txt", "..%2fsecret.txt", "x.png", "a" * 32 + ".svg"):
        assert client.get("/media/logos/" + name).status_code == 404, name
