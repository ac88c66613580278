"""The yearly check-in: when a pledge is reminded, falls due and lapses, and its standing.

Every approved pledge carries the date it was last affirmed (`Pledge.affirmed_at`; its
approval is the first). These rules, and nothing else, say what follows from that date;
`run_checkins` acts on them and the pages show them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pledges.status import Status

YEAR = timedelta(days=365)
FIRST_REMINDER = timedelta(days=334)  # eleven months on
SECOND_REMINDER = YEAR - timedelta(days=14)  # a fortnight before the year is up
# No pledge lapses sooner than this after the last reminder went, whatever its dates say:
# after a stop in the schedule, or the first run over pledges approved long ago, each is
# warned before it goes.
NOTICE = timedelta(days=14)
RETRY = timedelta(days=1)


def grace():
    """How long a pledge stays listed, marked "check-in due", once its year is up."""
    return timedelta(days=settings.CHECKIN_GRACE_DAYS)


class Standing(models.TextChoices):
    CURRENT = "current", "Current"
    DUE = "due", "Check-in due"
    LAPSED = "lapsed", "Lapsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


def due_on(affirmed_at):
    return affirmed_at + YEAR


def lapses_on(affirmed_at, reminded_at=None):
    """The day it lapses unless it checks in: a year and the grace after its affirmation,
    and never sooner than NOTICE after its last reminder (or from now, for one going)."""
    return max(affirmed_at + YEAR + grace(), (reminded_at or timezone.now()) + NOTICE)


def is_due(affirmed_at, now):
    """Whether an approved pledge's year is up (one never affirmed counts as due)."""
    return affirmed_at is None or now >= due_on(affirmed_at)


def standing(pledge, now=None):
    """Where the pledge stands today, or None for one never listed."""
    now = now or timezone.now()
    if pledge.status == Status.APPROVED:
        if is_due(pledge.affirmed_at, now):
            return Standing.DUE
        return Standing.CURRENT
    if pledge.status == Status.LAPSED:
        return Standing.LAPSED
    if pledge.status == Status.WITHDRAWN and pledge.approved_at:
        return Standing.WITHDRAWN
    return None


def condition(wanted, now=None):
    """The pledges of one standing (current, due or lapsed), as a query condition."""
    now = now or timezone.now()
    approved = Q(status=Status.APPROVED)
    if wanted == Standing.CURRENT:
        return approved & Q(affirmed_at__gt=now - YEAR)
    if wanted == Standing.DUE:
        return approved & (Q(affirmed_at__lte=now - YEAR) | Q(affirmed_at__isnull=True))
    if wanted == Standing.LAPSED:
        return Q(status=Status.LAPSED)
    raise ValueError(wanted)


def reminder_due(number, now=None):
    """Approved pledges whose reminder `number` (1 or 2) has fallen due and not gone.

    A pledge that missed its first (the command did not run for weeks) gets only the
    second: one reminder for each time it is due, never two at once.
    """
    now = now or timezone.now()
    after = FIRST_REMINDER if number == 1 else SECOND_REMINDER
    due = Q(checkin_reminders__lt=number)
    if number == 1:  # once the second is due, that one goes instead
        due &= Q(affirmed_at__gt=now - SECOND_REMINDER)
    else:
        # The last reminder, queued a day ago or more and never sent (its address was
        # over the daily limit): queued again, once a day, until it goes.
        due |= Q(checkin_reminders=2, reminded_at=None, reminder_queued_at__lte=now - RETRY)
    return Q(status=Status.APPROVED, affirmed_at__lte=now - after) & due


def lapse_due(now=None):
    """Approved pledges past their year and the grace period after it, whose last
    reminder was sent (not merely queued: pledges.tasks.deliver stamps it) at least
    NOTICE ago. One whose reminder could not be sent stays "check-in due", listed, and
    its reminder is queued again a day later (reminder_due)."""
    now = now or timezone.now()
    return Q(
        status=Status.APPROVED,
        affirmed_at__lte=now - YEAR - grace(),
        checkin_reminders=2,
        reminded_at__lte=now - NOTICE,
    )
