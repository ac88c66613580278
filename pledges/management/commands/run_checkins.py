"""Send the yearly check-in reminders that have fallen due, and lapse the pledges past
their year and its grace period (the dates: pledges.checkins).

Run daily, from cron or a systemd timer:  python manage.py run_checkins

Running it again sends nothing twice and lapses nothing twice, whatever the clock says:
each pledge's row says which reminders it has had, and each batch is taken and changed
under a row lock, so two runs at once share the work rather than repeat it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from backing_lancashire import freshness
from pledges import checkins, tasks
from pledges.models import Pledge, PledgeEvent

BATCH = 500


def plural(count, word):
    return f"{count:,} {word}{'s'[: count != 1]}"


class Command(BaseCommand):
    help = "Send the check-in reminders that are due and lapse the pledges past their grace."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done, and change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        steps = [
            # The second reminder first: a pledge due both gets only that one.
            (checkins.reminder_due(2, now), self.remind(2)),
            (checkins.reminder_due(1, now), self.remind(1)),
            (checkins.lapse_due(now), self.lapse),
        ]
        counts = [Pledge.objects.filter(due).count() for due, _ in steps]
        if not dry_run:
            # Shown on a terminal only, as cron's mail wants the summary alone.
            quiet = True if options["verbosity"] < 1 else None
            bar = tqdm(total=sum(counts), unit="pledges", disable=quiet)
            with bar:
                counts = [self.run(due, act, bar) for due, act in steps]
            # Pledges fall due with the passing days, not with any change: renew the
            # cached pages, exports and badges once a run, so that each says so by the day.
            freshness.changed()
        second, first, lapsed = counts
        would = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{would} {plural(first, 'first reminder')} and {plural(second, 'second reminder')}; "
            f"{'would lapse' if dry_run else 'lapsed'} {plural(lapsed, 'pledge')}."
        )

    def run(self, due, act, bar):
        done = 0
        while True:
            with transaction.atomic():
                # Locked, and those another run holds skipped: each pledge is acted on once.
                rows = Pledge.objects.filter(due).select_for_update(skip_locked=True)
                ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH])
                if not ids:
                    return done
                act(ids)
            done += len(ids)
            bar.update(len(ids))

    def remind(self, number):
        def act(ids):
            # reminded_at is stamped when the email has gone (pledges.tasks.deliver).
            Pledge.objects.filter(pk__in=ids).update(
                checkin_reminders=number, reminded_at=None, reminder_queued_at=timezone.now()
            )
            record(ids, PledgeEvent.Action.REMINDED, f"Reminder {number} of 2 to check in.")
            tasks.queue_many("checkin", ids)

        return act

    def lapse(self, ids):
        Pledge.objects.filter(pk__in=ids).update(
            status=Pledge.Status.LAPSED, lapsed_at=timezone.now()
        )
        record(
            ids, PledgeEvent.Action.LAPSED, "Not checked in within a year and the grace after it."
        )
        tasks.queue_many("lapsed", ids)
        freshness.changed()  # an update sends no signals


def record(ids, action, note):
    """The step in each pledge's history, as a transition records it."""
    to = Pledge.Status.LAPSED if action == PledgeEvent.Action.LAPSED else Pledge.Status.APPROVED
    PledgeEvent.objects.bulk_create(
        PledgeEvent(
            pledge_id=pk, action=action, from_status=Pledge.Status.APPROVED, to_status=to, note=note
        )
        for pk in ids
    )
