"""Work done away from the request: the email queue, sent by `manage.py db_worker`.

A model queues an email inside the transaction that makes the change (`queue`), so the
two are saved together or not at all. The queue holds the pledge's id and the kind of
email only (and, for a limited kind, the turn it was given); the worker loads the
pledge, checks the email still fits where the pledge stands, and has pledges.emails
build and send it.
"""

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from pledges import emails
from pledges.status import LISTED, MANAGEABLE, Status

log = logging.getLogger(__name__)

# The waits before each further attempt: a mail server down for half a day loses nothing.
RETRY_AFTER = [timedelta(minutes=minutes) for minutes in (1, 5, 30, 120, 480)]


class EmailNotSent(Exception):
    """Every attempt failed. It names the kind of failure only, as the mail server's own
    words may quote the address, and addresses stay out of logs."""


def moderator_addresses():
    staff = get_user_model().objects.with_perm(
        "pledges.change_pledge",
        include_superusers=True,
        is_active=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    addresses = {user.email.lower() for user in staff if user.email}
    addresses.update(address.lower() for address in settings.MODERATOR_EMAILS)
    return sorted(addresses)


def tell_moderators(pledge, kind="moderator", **extra):
    # One message per moderator, each queued on its own, so that no moderator sees
    # another's address and a failure for one is retried without repeating the rest.
    for address in moderator_addresses():
        queue(kind, pledge, to=address, **extra)
    return True


# Each kind of email: what the pledge's history calls it, the statuses in which it is
# still worth sending (a link to confirm a confirmed pledge would only confuse), and
# how it is sent.
KINDS = {
    "verify": ("confirmation", [Status.UNVERIFIED], emails.verification),
    "moderators": ("moderators' notice", [Status.PENDING], tell_moderators),
    "moderator": ("moderator's notice", [Status.PENDING], emails.moderator),
    "approved": ("approval", [Status.APPROVED], emails.approval),
    "rejected": ("rejection", [Status.REJECTED], emails.rejection),
    "manage": ("manage link", MANAGEABLE, emails.manage_link),
    # An approved organisation's proposed change (pledges.models.ProposedChange).
    "change": (
        "moderators' notice of a change",
        LISTED,
        lambda pledge: tell_moderators(pledge, "change_moderator"),
    ),
    "change_moderator": (
        "moderator's notice of a change",
        LISTED,
        emails.change_for_moderator,
    ),
    "new_email": ("link to a new address", MANAGEABLE, emails.new_address),
    "email_changing": ("notice of an address change", MANAGEABLE, emails.address_changing),
    "change_approved": ("change approval", LISTED, emails.change_approval),
    "change_rejected": ("change rejection", LISTED, emails.change_rejection),
    # Sent to the address the pledge had ("to"), as withdrawing erases it.
    "withdrawn": ("withdrawal confirmation", [Status.WITHDRAWN], emails.withdrawal),
    # A concern reported about a listing (pledges.models.Report): worth telling whatever
    # the pledge's status since. The reporter's words go to staff only.
    "report": (
        "moderators' notice of a concern",
        list(Status),
        lambda pledge, report: tell_moderators(pledge, "report_moderator", report=report),
    ),
    "report_moderator": ("moderator's notice of a concern", list(Status), emails.report),
    # The yearly check-in (pledges.checkins): reminders, and the notice of a lapse.
    "checkin": ("check-in reminder", [Status.APPROVED], emails.checkin_reminder),
    "lapsed": ("notice of a lapse", [Status.LAPSED], emails.lapse),
    "relisted": (
        "moderators' notice of a pledge listed again",
        [Status.APPROVED],
        lambda pledge: tell_moderators(pledge, "relisted_moderator"),
    ),
    "relisted_moderator": (
        "moderator's notice of a pledge listed again",
        [Status.APPROVED],
        emails.relisted,
    ),
    # A moderator hid figures of an impact return (impact.models.ImpactReturn.moderate).
    "figure_hidden": (
        "notice of a hidden figure",
        [Status.APPROVED, Status.LAPSED],
        emails.figure_hidden,
    ),
}

# The emails anyone can cause, by signing up with an address or asking for a link to be
# sent to it. Each goes to the address for every pledge of it in the kind's statuses
# at once, and takes a turn (SentEmail.take_turn): one of each kind per window and a few
# a day, however many pledges and clients ask. Approvals and rejections follow a staff
# decision and moderators' notices go to staff, so those are not limited.
LIMITED = {"verify", "manage", "checkin"}
# Which of the address's pledges a limited email lists, beyond the kind's statuses: a
# reminder lists those reminded and not checked in since, not every approved one.
LISTS = {"checkin": Q(checkin_reminders__gt=0, reminded_at__isnull=True)}
# Sent to an address the visitor gave ("to"), not the pledge's: limited per that address
# in the same way, and, as there is no pledge of that address to cover, never deferred.
LIMITED_TO = {"new_email"}
# The newest pledges one message lists: enough for any real organisation, and a bound on
# how much text of strangers a message can carry.
MOST_LISTED = 10


def queue(kind, pledge, **extra):
    """Queue an email of `kind` (a key of KINDS) about `pledge`."""
    deliver.enqueue(kind, pledge.pk, **extra)


def queue_many(kind, pledge_ids):
    """Queue an email of `kind` for each of these pledges, by id: one task for them all,
    which the worker turns into one task each (`fan_out`), so that a command acting on
    thousands of pledges at once waits for one write, not thousands."""
    fan_out.enqueue(kind, list(pledge_ids))


def take_turn(kind, pledge, pledges):
    """Book the address's turn for an email of `kind` about `pledges`.

    Answers (the turn, None) when it may go now, or (None, why it does not).
    """
    sent_email = apps.get_model("pledges", "SentEmail")
    name = KINDS[kind][0]
    with transaction.atomic():
        answer, row = sent_email.take_turn(kind, pledge.email)
        if answer == sent_email.LATER:
            # Booked and queued together, so that no turn is booked with nothing to use it.
            row.pledge = pledge
            row.save(update_fields=["pledge"])
            deliver.using(run_after=row.at).enqueue(kind, pledge.pk, turn=row.pk)
    if answer == sent_email.NOW:
        return row.pk, None
    if answer == sent_email.LATER:
        return None, f"deferred to the end of the window, {row.at:%Y-%m-%d %H:%M:%S}"
    if answer == sent_email.WAITING:
        return None, "not sent now: the message waiting for this address will cover it"
    note = f"The {name} email was not sent: its address has had the most emails a day allows."
    for each in pledges:
        each.record_email_failure(note, unless_since=timezone.now() - timedelta(days=1))
    log.info("The %s email for pledge %s was not sent: over the daily limit", name, pledge.pk)
    return None, "not sent: over the daily limit for this address"


def hand_on(pledge):
    """Before `pledge`'s address is erased: a message waiting for its turn on its behalf
    passes to another pledge of the address that the message still fits (it would have
    listed that one too), so that withdrawing one pledge loses no other's email. With
    none, the message is dropped when its turn comes, and the history says so."""
    sent_email = apps.get_model("pledges", "SentEmail")
    pledges = apps.get_model("pledges", "Pledge").objects
    for row in sent_email.objects.filter(pledge=pledge, at__gt=timezone.now()):
        other = (
            pledges.filter(status__in=KINDS[row.kind][1], email__iexact=pledge.email)
            .exclude(pk=pledge.pk)
            .order_by("-submitted_at", "-pk")
            .first()
        )
        if other:
            row.pledge = other
            row.save(update_fields=["pledge"])
            deliver.using(run_after=row.at).enqueue(row.kind, other.pk, turn=row.pk)


def dropped(pledge, name):
    """Not sent, as the pledge no longer fits the email. A withdrawal is in the history:
    moderators then see that, say, a manage link asked for never went."""
    if pledge.status != Status.WITHDRAWN:
        return "not sent: the pledge has moved on since"
    pledge.record_email_failure(
        f"The {name} email was not sent: the pledge was withdrawn before it could go."
    )
    return "not sent: the pledge was withdrawn since"


@task()
def fan_out(kind, pledge_ids):
    """Queue an email of `kind` for each pledge (see queue_many)."""
    for pledge_id in pledge_ids:
        deliver.enqueue(kind, pledge_id)
    return f"queued {len(pledge_ids)}"


@task()
def deliver(kind, pledge_id, attempt=1, turn=None, **extra):
    name, statuses, send = KINDS[kind]
    # Through the app registry: the models queue these tasks, so this module never
    # imports them.
    pledges = apps.get_model("pledges", "Pledge").objects
    pledge = pledges.filter(pk=pledge_id).first()
    if pledge is None:
        return "not sent: the pledge has gone since"
    if turn is not None and kind in LIMITED:
        waiting = apps.get_model("pledges", "SentEmail").objects.filter(pk=turn)
        if waiting.exclude(pledge=None).exclude(pledge=pledge).exists():
            return "not sent here: handed on to another pledge of the address"
    if not (pledge.email or extra.get("to")):
        return dropped(pledge, name)
    # A message that waited for its turn is for the address: it goes if any of the
    # address's pledges still fits, whether or not this one does.
    if turn is None and pledge.status not in statuses:
        return dropped(pledge, name)
    about, more = pledge, {}
    if kind in LIMITED_TO and turn is None:
        sent_email = apps.get_model("pledges", "SentEmail")
        with transaction.atomic():
            answer, row = sent_email.take_turn(kind, extra["to"])
            if answer == sent_email.LATER:
                row.delete()  # not kept for later: give the turn back
        if answer != sent_email.NOW:
            return f"not sent: this address has had its {name} email for now"
        turn = row.pk
    if kind in LIMITED:
        fitting = pledges.filter(LISTS.get(kind, Q()), status__in=statuses)
        fitting = fitting.filter(email__iexact=pledge.email)
        about = list(fitting.order_by("-submitted_at", "-pk")[:MOST_LISTED])
        if not about:
            return dropped(pledge, name)
        if turn is None:
            turn, refused = take_turn(kind, pledge, about)
            if refused:
                return refused
        more = {"unlisted": fitting.count() - len(about)}
    try:
        send(about, **more, **extra)
        if kind == "checkin":
            # Sent, not merely queued: the notice before a lapse runs from here
            # (pledges.checkins.lapse_due), and a message waiting for its turn finds
            # these covered and goes no more.
            pledges.filter(pk__in=[each.pk for each in about]).update(reminded_at=timezone.now())
    except Exception as error:
        failure = type(error).__name__
        if attempt <= len(RETRY_AFTER):
            wait = RETRY_AFTER[attempt - 1]
            log.warning(
                "Could not send the %s email for pledge %s (attempt %s, %s); trying again in %s",
                name, pledge_id, attempt, failure, wait,
            )  # fmt: skip
            # A limited email keeps its turn: a retry is the same message, not another.
            later = deliver.using(run_after=timezone.now() + wait)
            later.enqueue(kind, pledge_id, attempt + 1, turn=turn, **extra)
            return f"attempt {attempt} failed ({failure}); queued again"
        note = f"The {name} email could not be sent after {attempt} attempts ({failure})."
        for each in about if kind in LIMITED else [pledge]:
            each.record_email_failure(note)
        raise EmailNotSent(f"the {name} email for pledge {pledge_id}: {failure}") from None
    return "sent"
