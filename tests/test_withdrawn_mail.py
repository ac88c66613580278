"""Emails still on their way when a pledge is withdrawn: the confirmation of the
withdrawal goes at once; a message waiting for its turn passes to the address's other
pledges; what no longer makes sense is dropped, and the pledge's history says so."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from pledges import tasks
from pledges.models import Pledge, PledgeEvent
from tests.factories import make_pledge
from tests.test_mail_limits import HOUR, VICTIM, ask_to_manage, time_passes, to

pytestmark = pytest.mark.django_db

S = Pledge.Status
NOT_SENT = "The manage link email was not sent: the pledge was withdrawn before it could go."


def notes(pledge):
    return list(
        pledge.events.filter(action=PledgeEvent.Action.EMAIL_FAILED).values_list("note", flat=True)
    )


def deferred_for():
    """The pledge the message waiting for its turn was queued for."""
    ((args,),) = DBTaskResult.objects.filter(status="READY").values_list("args_kwargs")
    return Pledge.objects.get(pk=args["args"][1])


def test_a_withdrawal_is_confirmed_at_once_and_the_waiting_manage_link_dropped(client, send_queued):
    pledge = make_pledge(status=S.APPROVED, email=VICTIM)
    ask_to_manage(client, 1)
    send_queued()
    ask_to_manage(client, 2)  # deferred to the window's end
    send_queued()
    assert len(to(VICTIM)) == 1

    pledge.withdraw()
    send_queued()
    sent, confirmation = to(VICTIM)
    assert "withdrawn" in confirmation.subject.lower()

    time_passes(HOUR)
    send_queued()
    assert len(to(VICTIM)) == 2  # no manage link for a withdrawn pledge
    assert notes(pledge) == [NOT_SENT]
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_waiting_message_passes_to_the_address_s_other_pledge(client, send_queued):
    make_pledge(status=S.APPROVED, email=VICTIM, name="Older Bakery")
    make_pledge(status=S.PENDING, email=VICTIM, name="Newer Bakery")
    ask_to_manage(client, 1)
    send_queued()
    ask_to_manage(client, 2)
    send_queued()
    leaving = deferred_for()
    staying = Pledge.objects.exclude(pk=leaving.pk).get()

    leaving.withdraw()
    send_queued()  # the confirmation
    time_passes(HOUR)
    send_queued()
    first, confirmation, deferred = to(VICTIM)
    assert staying.name in deferred.body
    assert leaving.name not in deferred.body
    assert notes(leaving) == [] and notes(staying) == []  # nothing was lost
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_pledge_staff_withdraw_keeps_its_address_but_gets_no_manage_link(
    client, send_queued, moderator
):
    pledge = make_pledge(status=S.APPROVED, email=VICTIM)
    ask_to_manage(client, 1)
    send_queued()
    ask_to_manage(client, 2)
    send_queued()

    pledge.withdraw(by=moderator, note="Closed down.")
    time_passes(HOUR)
    send_queued()
    assert len(to(VICTIM)) == 1
    assert notes(pledge) == [NOT_SENT]


def test_a_link_to_a_new_address_is_dropped_once_the_pledge_is_withdrawn(send_queued):
    pledge = make_pledge(status=S.APPROVED, email=VICTIM)
    tasks.queue("new_email", pledge, to="new@example.org")
    pledge.withdraw()
    send_queued()
    assert to("new@example.org") == []
    assert len(to(VICTIM)) == 1  # the withdrawal's confirmation
    assert notes(pledge) == [
        "The link to a new address email was not sent: the pledge was withdrawn before it could go."
    ]


def test_an_email_that_moved_on_otherwise_leaves_no_note(send_queued):
    pledge = make_pledge(status=S.PENDING, email=VICTIM)
    tasks.queue("verify", pledge)  # confirmed already: a confirmation link would confuse
    send_queued()
    assert mail.outbox == []
    assert notes(pledge) == []
