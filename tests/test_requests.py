"""Malformed and unexpected requests get the right 4xx, never a 500, and save nothing."""

import pytest

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


# Every page refuses PUT, PATCH and DELETE; a page that takes no form refuses POST too.
WRONG_METHODS = [
    *((url, method) for url in READ_ONLY + FORMS for method in ("put", "patch", "delete")),
    *((url, "post") for url in READ_ONLY),
]


@pytest.mark.parametrize("url, method", WRONG_METHODS)
def test_a_method_a_page_does_not_take_is_a_405(client, url, method):
    # The test client skips the CSRF check, which would otherwise answer a POST first with a 403.
    data = {"data": {"a": "b"}} if method == "post" else {}
    response = getattr(client, method)(url, **data)
    assert response.status_code == 405, (url, method, response.status_code)


@pytest.mark.parametrize("url", ["/pledge/", "/get-involved/"])
def test_a_form_sent_without_its_csrf_token_gets_a_way_back_and_saves_nothing(client, url):
    client.handler.enforce_csrf_checks = True
    response = client.post(url, sign_up_answers())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form has expired" in html
    assert f'<a href="{url}">Go back to the form and try again</a>' in html
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil.example", "a" * 300])
def test_a_host_we_do_not_serve_gets_the_400_page(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()
