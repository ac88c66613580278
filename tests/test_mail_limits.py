"""The emails anyone can cause go to each address at most once per kind per window, and a
few a day in all, whoever asks and however many pledges name it; one message lists them."""

import hashlib
import io
import logging
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from pledges.models import Pledge, PledgeEvent, SentEmail
from tests.factories import make_pledge, sign_up_answers
from tests.test_concurrency import at_once

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"
SENTENCE = "If you did not sign, ignore this email: nothing will be published."
HOUR = timedelta(hours=1)


def sign(client, n, email=VICTIM, **answers):
    # Each from its own client address, so the per-client limit never stops them.
    answers = sign_up_answers(name=f"Signed Organisation {n}", email=email, **answers)
    response = client.post("/pledge/", answers, REMOTE_ADDR=f"192.0.2.{n}")
    assert response.status_code == 302
    return response


def ask(client, url, email, n):
    return client.post(url, {"email": email}, REMOTE_ADDR=f"198.51.100.{n}", follow=True)


def resend(client, n, email=VICTIM):
    return ask(client, "/pledge/resend/", email, n)


def ask_to_manage(client, n, email=VICTIM):
    return ask(client, "/pledge/manage/", email, n)


def time_passes(delta):
    """Move every stored time the limits read back by `delta`, as if it had gone by."""
    SentEmail.objects.update(at=F("at") - delta)
    waiting = DBTaskResult.objects.filter(status="READY").exclude(run_after=get_date_max())
    waiting.update(run_after=F("run_after") - delta)  # those due at once stay so
    PledgeEvent.objects.update(at=F("at") - delta)


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def parts(message):
    return message.subject, message.body, message.alternatives[0][0]


def verify_links(message):
    return re.findall(r"http://127\.0\.0\.1:8000(/pledge/verify/[\w:-]+/)", message.body)


def test_many_sign_ups_and_resends_give_one_confirmation_listing_every_pledge(client, send_queued):
    for n in range(1, 5):
        sign(client, n)
    for n in range(1, 5):
        resend(client, n)
    send_queued()

    (message,) = to(VICTIM)
    assert message.subject == "Confirm your Backing Lancashire pledges"
    for n in range(1, 5):
        assert f"For “Signed Organisation {n}”:" in message.body
        assert f"For “Signed Organisation {n}”:" in message.alternatives[0][0]
    links = verify_links(message)
    assert len(set(links)) == 4
    for link in links:  # each link confirms its own pledge
        assert client.post(link).status_code == 200
    assert set(Pledge.objects.values_list("status", flat=True)) == {Pledge.Status.PENDING}


def test_a_second_address_is_not_held_up_by_the_first(client, send_queued):
    for n in range(1, 4):
        sign(client, n)
        resend(client, n)
    send_queued()
    sign(client, 9, email="someone-else@example.org")
    send_queued()
    assert len(to(VICTIM)) == 1
    (message,) = to("someone-else@example.org")
    assert "“Signed Organisation 9”" in message.body


def test_another_client_does_not_reset_the_address_s_window(client, send_queued):
    make_pledge(email=VICTIM)
    resend(client, 1)
    send_queued()
    assert len(to(VICTIM)) == 1
    # The same address, written differently, asked for from other client addresses.
    for n in range(2, 6):
        resend(client, n, email=VICTIM.upper())
    send_queued()
    assert len(to(VICTIM)) == 1
    # One message is waiting, for the end of the window.
    ((run_after,),) = DBTaskResult.objects.filter(status="READY").values_list("run_after")
    assert HOUR - timedelta(minutes=1) < run_after - timezone.now() <= HOUR


def test_the_deferred_message_goes_at_the_window_s_end_and_covers_the_pledges_then_waiting(
    client, send_queued
):
    sign(client, 1)
    send_queued()
    sign(client, 2)
    sign(client, 3)
    resend(client, 4)
    send_queued()
    assert len(to(VICTIM)) == 1  # the rest wait for the window's end

    # Confirmed meanwhile through the first message: no longer waiting, so not listed.
    assert client.post(verify_links(to(VICTIM)[0])[0]).status_code == 200
    time_passes(HOUR - timedelta(minutes=5))
    send_queued()
    assert len(to(VICTIM)) == 1  # not yet

    time_passes(timedelta(minutes=5))
    send_queued()
    first, deferred = to(VICTIM)
    assert "“Signed Organisation 1”" in first.body
    assert "Signed Organisation 1" not in deferred.body
    assert "For “Signed Organisation 2”:" in deferred.body
    assert "For “Signed Organisation 3”:" in deferred.body
    assert len(verify_links(deferred)) == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_manage_links_for_several_pledges_come_in_one_message(client, send_queued):
    first = make_pledge(status=Pledge.Status.APPROVED, email=VICTIM, contact_name="Jo Baker")
    second = make_pledge(status=Pledge.Status.PENDING, email=VICTIM, contact_name="Jo Baker")
    for n in range(1, 4):
        ask_to_manage(client, n)
    send_queued()

    (message,) = to(VICTIM)
    assert message.subject == "Your links to manage the Backing Lancashire pledges"
    assert message.body.startswith("Hello Jo Baker,")
    paths = re.findall(r"http://127\.0\.0\.1:8000(/pledge/manage/\S+/)", message.body)
    assert len(paths) == 2
    names = {client.get(path).context["pledge"].name for path in paths}
    assert names == {first.name, second.name}


def test_the_daily_cap_counts_every_kind_and_the_history_says_what_was_not_sent(
    client, send_queued
):
    unverified = make_pledge(email=VICTIM)
    approved = make_pledge(status=Pledge.Status.APPROVED, email=VICTIM)
    nobody = []
    for hour in range(3):
        resend(client, 10 + hour)
        capped = ask_to_manage(client, 20 + hour)
        nobody.append(ask_to_manage(client, 30 + hour, email="nobody@example.org"))
        send_queued()
        time_passes(HOUR)
    kinds = [message.subject.split()[0] for message in to(VICTIM)]
    assert kinds == ["Confirm", "Your", "Confirm", "Your", "Confirm"]  # 5 a day, the default

    # The visitor is told the same whether or not anything was sent.
    assert capped.content == nobody[-1].content
    note = "The manage link email was not sent: its address has had the most emails a day allows."
    assert list(approved.events.filter(action="email_failed").values_list("note", flat=True)) == [
        note
    ]
    assert not unverified.events.filter(action="email_failed").exists()

    ask_to_manage(client, 40)  # asked again: the history says so once a day, not each time
    send_queued()
    assert approved.events.filter(action="email_failed").count() == 1
    assert len(to(VICTIM)) == 5

    time_passes(timedelta(days=1))
    ask_to_manage(client, 41)
    send_queued()
    assert len(to(VICTIM)) == 6  # a new day


def test_the_cap_does_not_hold_back_what_staff_decide(admin_client, client, send_queued):
    make_pledge(email=VICTIM)
    pending = make_pledge(status=Pledge.Status.PENDING, email=VICTIM)
    for hour in range(5):
        resend(client, hour)
        send_queued()
        time_passes(HOUR)
    resend(client, 9)
    send_queued()
    assert len(to(VICTIM)) == 5

    admin_client.post(f"/admin/pledges/pledge/{pending.pk}/approve/")
    send_queued()
    assert to(VICTIM)[-1].subject == f"{pending.name} is now backing Lancashire"


MARKER = "zqxmarker"


@pytest.mark.parametrize("several", [False, True])
def test_the_confirmation_email_carries_no_visitor_text_but_the_quoted_name(
    client, send_queued, several
):
    answers = {
        "statement": f"Call 0800 {MARKER} now for a prize.",
        "contact_name": f"Dear {MARKER} Friend",
        "contact_role": f"Head of {MARKER}",
        "website": f"https://{MARKER}.example/win",
    }
    sign(client, 1, **answers)
    if several:
        sign(client, 2, **answers)
    send_queued()
    time_passes(HOUR)
    resend(client, 3)  # the resent link too
    send_queued()

    first, resent = to(VICTIM)
    for message in (first, resent):
        for text in parts(message):
            assert MARKER not in text
        subject, body, html = parts(message)
        assert SENTENCE in body and SENTENCE in html
        if several:
            assert "For “Signed Organisation 2”:" in body
        else:
            assert body.startswith(
                "You, or someone using this address, signed the Backing Lancashire pledge for "
                "“Signed Organisation 1”."
            )
            assert "for “Signed Organisation 1”.</p>" in html


def test_no_address_is_logged_or_stored(client, send_queued, caplog):
    caplog.set_level(logging.DEBUG)
    address = "Private.Person@example.org"
    make_pledge(status=Pledge.Status.APPROVED, email=address)
    for n in range(1, 4):
        sign(client, n, email=address)
        resend(client, n, email=address)
        ask_to_manage(client, n, email=address)
        send_queued()
        time_passes(HOUR)
    send_queued()
    assert len(to(address)) == 5
    assert PledgeEvent.objects.filter(action="email_failed").exists()  # the cap was reached

    forms = {address, address.lower(), address.upper()}
    logged = "\n".join(
        [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]
        + [str(r.args) for r in caplog.records]
    )
    stored = [
        *SentEmail.objects.values_list("recipient", "kind"),
        *DBTaskResult.objects.values_list("args_kwargs", "return_value", "traceback"),
        *PledgeEvent.objects.values_list("note"),
    ]
    for form in forms:
        assert form not in logged
        assert form not in str(stored)
    # Nor a plain hash of it, which anyone could match against a list of addresses.
    recipients = set(SentEmail.objects.values_list("recipient", flat=True))
    assert len(recipients) == 1 and re.fullmatch(r"[0-9a-f]{64}", recipients.pop())
    assert hashlib.sha256(address.lower().encode()).hexdigest() not in str(stored)


def test_purge_forgets_what_no_longer_counts(client, send_queued):
    make_pledge(email=VICTIM)
    resend(client, 1)
    send_queued()
    time_passes(timedelta(days=1, minutes=1))
    resend(client, 2)
    send_queued()
    assert SentEmail.objects.count() == 2
    out = io.StringIO()
    call_command("purge_pledges", stdout=out)
    assert "Forgot 1 email sent to the public that no longer count" in out.getvalue()
    (kept,) = SentEmail.objects.all()
    assert timezone.now() - kept.at < timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one write at a time, so no two workers can race; CI runs this on "
    "PostgreSQL",
)
def test_two_workers_deciding_for_one_address_at_once_take_turns():
    make_pledge(email=VICTIM)

    def decide(i):
        with transaction.atomic():
            answer, _ = SentEmail.take_turn("verify", VICTIM.upper() if i else VICTIM)
            time.sleep(0.5)  # still deciding while the other worker asks
            return answer

    assert sorted(at_once(decide)) == [SentEmail.LATER, SentEmail.NOW]
    assert SentEmail.objects.count() == 2


def test_one_message_lists_the_newest_pledges_and_says_how_many_more(client, send_queued):
    for _ in range(12):
        make_pledge(email=VICTIM)
    resend(client, 1)
    send_queued()
    (message,) = to(VICTIM)
    assert len(verify_links(message)) == 10
    assert "2 older pledges made with this address are not listed." in message.body
    newest = Pledge.objects.order_by("-submitted_at", "-pk").first()
    assert f"For “{newest.name}”:" in message.body


def test_the_deferred_message_goes_even_if_the_pledge_that_asked_has_moved_on(client, send_queued):
    older = make_pledge(email=VICTIM)
    newer = make_pledge(email=VICTIM)
    resend(client, 1)
    send_queued()
    resend(client, 2)  # deferred, for the newest pledge of the address
    send_queued()
    ((args,),) = DBTaskResult.objects.filter(status="READY").values_list("args_kwargs")
    assert args["args"][1] == newer.pk
    (first,) = to(VICTIM)
    link = next(link for link in verify_links(first) if client.get(link).context["pledge"] == newer)
    assert client.post(link).status_code == 200

    time_passes(HOUR)
    send_queued()
    _, deferred = to(VICTIM)
    assert f"“{older.name}”" in deferred.body
    assert f"“{newer.name}”" not in deferred.body
