"""Malformed and unexpected requests get the right 4xx, never a 500, and save nothing."""

import http.client
import io

import pytest

from pledges.models import Pledge
from tests.factories import sign_up_answers

pytestmark = pytest.mark.django_db

BOUNDARY = "b0undary"
FILE_HEAD = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
    "Content-Type: image/png\r\n\r\n"
).encode()
FILE_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


class Upload(io.RawIOBase):
    """A multipart body of `size` bytes holding one file, made as it is read, counting
    how much of it was read."""

    def __init__(self, size):
        self.size = size
        self.taken = 0

    def readable(self):
        return True

    def read(self, n=-1):
        left = self.size - self.taken
        n = left if n is None or n < 0 else min(n, left)
        start, end = self.taken, self.taken + n
        self.taken = end
        tail_at = self.size - len(FILE_TAIL)
        return (
            FILE_HEAD[start:end]
            + b"x" * max(0, min(end, tail_at) - max(start, len(FILE_HEAD)))
            + FILE_TAIL[max(start - tail_at, 0) : max(end - tail_at, 0)]
        )

    def readline(self, n=-1):
        return self.read(n)


def send_upload(client, url, body, **extra):
    # CSRF checks on, with a cookie, as from a browser: CsrfViewMiddleware then reads
    # the form of any POST to find the token.
    client.handler.enforce_csrf_checks = True
    client.cookies["csrftoken"] = "a" * 32
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size), **extra},
    )


@pytest.mark.parametrize("url", ["/pledge/", "/pledge/resend/", "/admin/login/", "/", "/nowhere/"])
def test_an_upload_over_the_limit_is_refused_unread_on_every_path(client, settings, tmp_path, url):
    # Were the upload written to a temporary file, it would fail here with a 500.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "not-there")
    body = Upload(100 * 1024 * 1024)
    response = send_upload(client, url, body)
    assert response.status_code == 413
    assert "That file is too large" in response.content.decode()
    assert body.taken == 0
    assert response["Content-Security-Policy"]  # the site's headers, as on any page


def test_a_body_sent_in_chunks_is_read_no_further_than_the_limit(client, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "not-there")
    body = Upload(100 * 1024 * 1024)
    # No Content-Length: the server says the body ends where the chunks end.
    chunked = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}
    response = send_upload(
        client, "/pledge/resend/", body, **chunked, **{"wsgi.input_terminated": True}
    )
    assert response.status_code == 413
    assert body.taken <= 2_500_000 + 1


def test_a_small_body_sent_in_chunks_is_read_as_any_other(client):
    form = b"email=someone%40example.org"
    response = client.generic(
        "POST",
        "/pledge/resend/",
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        **{
            "wsgi.input": io.BytesIO(form),
            "CONTENT_LENGTH": "",
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/pledge/resend/sent/"


def test_a_live_server_answers_413_before_the_body_is_sent(live_server):
    host, port = live_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/pledge/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(100 * 1024 * 1024))
    connection.putheader("Cookie", "csrftoken=" + "a" * 32)  # so that CSRF reads the form
    connection.endheaders(FILE_HEAD)  # and nothing more: the rest never comes
    response = connection.getresponse()
    assert response.status == 413
    assert "That file is too large" in response.read().decode()
    connection.close()


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
def test_a_form_body_over_the_limit_is_a_413_on_every_form(client, url):
    response = client.post(url, {"email": "a@example.org", "padding": "x" * 4_000_000})
    assert response.status_code == 413


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
