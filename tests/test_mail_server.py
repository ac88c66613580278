"""The email queue against a real SMTP server on loopback: delivered, down, and refusing."""

import email
import io
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledges import tasks
from pledges.models import Pledge, SentEmail
from tests.factories import image_bytes, make_pledge, sign_up_answers

pytestmark = pytest.mark.django_db

ADDRESS = "jo@ribble-bakery.example"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


class RefusingInbox(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 No such user here"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there until a server is started
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def start_server(smtp_settings):
    controllers = []

    def start(inbox=None):
        inbox = inbox or Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        smtp_settings.EMAIL_PORT = controller.port
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def text_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no plain-text part")


def verify_link(message):
    return re.search(r"http://127\.0\.0\.1:8000(/pledge/verify/\S+/)", text_part(message)).group(1)


def waiting():
    """The queued tasks not yet run: (args, run_after)."""
    return list(DBTaskResult.objects.filter(status="READY").values_list("args_kwargs", "run_after"))


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def our_log(caplog):
    # The site's own lines, not the test mail server's ("mail.log").
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


def test_the_confirmation_email_is_queued_then_delivered_and_its_link_works(
    client, start_server, send_queued
):
    inbox = start_server()
    response = client.post("/pledge/", sign_up_answers())
    assert response.status_code == 302
    assert inbox.messages == []  # the request only queued it

    send_queued()
    ((recipients, message),) = inbox.messages
    assert recipients == [ADDRESS]
    assert message["Subject"] == "Confirm your Backing Lancashire pledge"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.post(verify_link(message))
    assert "Thank you for signing" in page.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.PENDING


def test_with_the_mail_server_down_the_pledge_is_kept_and_the_email_sent_later(
    client, start_server, send_queued, caplog
):
    response = client.post("/pledge/", sign_up_answers(), follow=True)
    assert "Check your email" in response.content.decode()
    pledge = Pledge.objects.get()

    send_queued()  # the server is down
    assert pledge.status == Pledge.Status.UNVERIFIED
    ((args, run_after),) = waiting()
    # The retry keeps the address's turn: it is the same message, not another.
    assert args == {
        "args": ["verify", pledge.pk, 2],
        "kwargs": {"turn": SentEmail.objects.get().pk},
    }
    assert timedelta(seconds=50) < run_after - timezone.now() <= timedelta(minutes=1)
    log = our_log(caplog)
    assert f"Could not send the confirmation email for pledge {pledge.pk} (attempt 1," in log
    assert ADDRESS not in log

    send_queued()  # not yet due: nothing is tried
    assert len(waiting()) == 1

    inbox = start_server()
    make_due()
    send_queued()
    ((_, message),) = inbox.messages
    assert waiting() == []
    assert client.post(verify_link(message)).status_code == 200
    assert Pledge.objects.get().status == Pledge.Status.PENDING


def test_when_every_attempt_fails_moderators_see_it_and_no_log_has_the_address(
    client, start_server, send_queued, caplog
):
    start_server(RefusingInbox())
    client.post("/pledge/", sign_up_answers())
    for _ in range(len(tasks.RETRY_AFTER) + 1):
        make_due()
        send_queued()
    assert waiting() == []

    pledge = Pledge.objects.get()
    event = pledge.events.last()
    assert event.action == "email_failed"
    assert event.note == (
        "The confirmation email could not be sent after 6 attempts (SMTPRecipientsRefused)."
    )
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "pledges.tasks.EmailNotSent"
    assert DBTaskResult.objects.count() == 6
    for stored in DBTaskResult.objects.values_list("traceback", "return_value"):
        assert ADDRESS not in str(stored)
    assert "SMTPRecipientsRefused" in our_log(caplog)
    assert ADDRESS not in our_log(caplog)


def test_the_decision_stands_when_the_email_fails_and_goes_when_the_server_is_back(
    admin_client, start_server, send_queued, pending
):
    response = admin_client.post(f"/admin/pledges/pledge/{pending.pk}/approve/", follow=True)
    assert "Approved 1 pledge." in response.content.decode()
    send_queued()
    assert Pledge.objects.get().status == Pledge.Status.APPROVED
    assert len(waiting()) == 1

    inbox = start_server()
    make_due()
    send_queued()
    ((recipients, message),) = inbox.messages
    assert recipients == [pending.email]
    assert message["Subject"] == f"{pending.name} is now backing Lancashire"


def test_a_manage_link_asked_for_while_the_server_is_down_arrives_later(
    client, start_server, send_queued, approved
):
    client.post("/pledge/manage/", {"email": approved.email})
    send_queued()
    inbox = start_server()
    make_due()
    send_queued()
    ((recipients, message),) = inbox.messages
    assert recipients == [approved.email]
    assert "/pledge/manage/" in text_part(message)


def test_a_sign_up_that_fails_after_its_insert_leaves_nothing(client, monkeypatch, settings):
    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("the queue is unreachable")

    monkeypatch.setattr(tasks, "deliver", Unreachable())
    client.raise_request_exception = False
    logo = SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")
    answers = sign_up_answers(logo=logo)
    response = client.post("/pledge/", answers)

    assert response.status_code == 500
    assert not Pledge.objects.exists()
    assert not DBTaskResult.objects.exists()
    # No pledge's logo is left; the one kept for the form waits to be sent again, or purged.
    logos = settings.MEDIA_ROOT / "logos"
    assert not logos.exists() or [path.name for path in logos.iterdir()] in ([], ["pending"])


@pytest.mark.parametrize(
    # The organisation's own withdrawal erases its contact details at once; staff keep
    # them for a while, but either way the approval no longer stands.
    "by_staff",
    [False, True],
)
def test_an_approval_withdrawn_before_its_email_went_is_not_sent(
    admin_client, admin_user, start_server, send_queued, by_staff, pending
):
    inbox = start_server()
    admin_client.post(f"/admin/pledges/pledge/{pending.pk}/approve/")
    pending.refresh_from_db()
    pending.withdraw(by=admin_user if by_staff else None)
    send_queued()
    # Only the organisation's own withdrawal is confirmed to it.
    subjects = [message["Subject"] for _, message in inbox.messages]
    assert subjects == ([] if by_staff else ["Your Backing Lancashire pledge has been withdrawn"])
    approval = DBTaskResult.objects.get(args_kwargs__args__0="approved")
    assert approval.return_value == "not sent: the pledge was withdrawn since"
    # Dropped on purpose, and the history says so.
    assert pending.events.filter(
        note="The approval email was not sent: the pledge was withdrawn before it could go."
    ).exists()


def test_a_check_in_reminder_is_delivered_and_its_link_opens_the_check_in(
    client, start_server, send_queued
):
    inbox = start_server()
    pledge = make_pledge(status=Pledge.Status.APPROVED, name="Ribble Bakery", email=ADDRESS)
    Pledge.objects.filter(pk=pledge.pk).update(affirmed_at=timezone.now() - timedelta(days=340))
    call_command("run_checkins", verbosity=0, stdout=io.StringIO())
    send_queued()
    ((recipients, message),) = inbox.messages
    assert recipients == [ADDRESS]
    assert message["Subject"] == "Time to check in: your Backing Lancashire pledge"
    body = text_part(message)
    assert "Ribble Bakery last affirmed its pledge on" in body
    link = re.search(r"http://127\.0\.0\.1:8000(/pledge/manage/\S+/check-in/)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "We, Ribble Bakery, still stand by our pledge" in page.content.decode()
