"""Work done away from the request: sending the emails, by `manage.py db_worker`."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from pledges import emails
from pledges.models import Pledge, PledgeEvent

log = logging.getLogger(__name__)

# The waits before each further attempt: a mail server down for half a day loses nothing.
RETRY_AFTER = [timedelta(minutes=minutes) for minutes in (1, 5, 30, 120, 480)]


class EmailNotSent(Exception):
    """Every attempt failed. It names the kind of failure only, as the mail server's own
    words may quote the address, and addresses stay out of logs."""


@task()
def deliver(kind, pledge_id, attempt=1, **extra):
    name, send = emails.KINDS[kind]
    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if pledge is None or not pledge.email:
        return "not sent: the pledge or its contact details have gone since"
    try:
        sent = send(pledge, **extra)
    except Exception as error:
        failure = type(error).__name__
        if attempt <= len(RETRY_AFTER):
            wait = RETRY_AFTER[attempt - 1]
            log.warning(
                "Could not send the %s email for pledge %s (attempt %s, %s); trying again in %s",
                name, pledge_id, attempt, failure, wait,
            )  # fmt: skip
            later = deliver.using(run_after=timezone.now() + wait)
            later.enqueue(kind, pledge_id, attempt + 1, **extra)
            return f"attempt {attempt} failed ({failure}); queued again"
        # Shown to moderators in the pledge's history, so that they can make contact
        # another way.
        pledge.events.create(
            action=PledgeEvent.Action.EMAIL_FAILED,
            from_status=pledge.status,
            to_status=pledge.status,
            note=f"The {name} email could not be sent after {attempt} attempts ({failure}).",
        )
        raise EmailNotSent(f"the {name} email for pledge {pledge_id}: {failure}") from None
    return "sent" if sent else "not sent: the pledge has moved on since"
