"""Sign-up against a real SMTP server on loopback, and with the server down."""

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from pledges.models import Pledge
from tests.factories import sign_up_answers

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp_settings.EMAIL_PORT = port
    yield inbox
    controller.stop()


def text_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no plain-text part")


def test_the_confirmation_email_is_delivered_and_its_link_works(client, smtp_server):
    response = client.post("/pledge/", sign_up_answers())
    assert response.status_code == 302

    (recipients, message) = smtp_server.messages[0]
    assert recipients == ["jo@ribble-bakery.example"]
    assert message["Subject"] == "Confirm your Backing Lancashire pledge"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    link = re.search(r"http://127\.0\.0\.1:8000(/pledge/verify/\S+/)", text_part(message)).group(1)

    page = client.post(link)
    assert page.status_code == 200
    assert "Thank you for signing" in page.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.PENDING


def test_with_the_mail_server_down_the_pledge_is_kept_and_resend_offered(
    client, smtp_settings, caplog
):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there
    response = client.post("/pledge/", sign_up_answers(), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not send your confirmation email" in html
    assert 'href="/pledge/resend/"' in html
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.UNVERIFIED
    assert f"Could not send the verify email for pledge {pledge.pk}" in caplog.text
    assert "jo@ribble-bakery.example" not in caplog.text


def test_once_the_server_is_back_resend_delivers_a_working_link(client, smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()
    client.post("/pledge/", sign_up_answers())
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp_settings.EMAIL_PORT = port
        client.post("/pledge/resend/", {"email": "jo@ribble-bakery.example"})
    finally:
        controller.stop()
    (_, message) = inbox.messages[0]
    link = re.search(r"http://127\.0\.0\.1:8000(/pledge/verify/\S+/)", text_part(message)).group(1)
    assert client.post(link).status_code == 200
    assert Pledge.objects.get().status == Pledge.Status.PENDING


class RefusingInbox(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 No such user here"


def test_a_refused_address_is_not_written_to_the_log(client, smtp_settings, caplog):
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_settings.EMAIL_PORT = controller.port
        response = client.post("/pledge/", sign_up_answers(), follow=True)
    finally:
        controller.stop()
    assert "We could not send your confirmation email" in response.content.decode()
    # The site's own log lines, not the test mail server's ("mail.log").
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))
    assert "SMTPRecipientsRefused" in ours
    assert "jo@ribble-bakery.example" not in ours
