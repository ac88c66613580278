"""Delete unconfirmed pledges after 7 days; erase personal data of closed ones after 90;
forget the emails sent to each address once they no longer count towards its limits;
erase the reporter's address from reports closed more than 90 days ago.

Run daily, from cron or a scheduler:  python manage.py purge_pledges
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from pledges import logos
from pledges.models import Pledge, Report, SentEmail

CLOSED_FOR = timedelta(days=90)


def due(now):
    """The pledges to delete, and the pledges whose personal data to erase."""
    stale = Pledge.objects.deletable()
    closed = Pledge.objects.filter(erased_at__isnull=True).filter(
        Q(status=Pledge.Status.REJECTED, rejected_at__lt=now - CLOSED_FOR)
        | Q(status=Pledge.Status.WITHDRAWN, withdrawn_at__lt=now - CLOSED_FOR)
    )
    return stale, closed


class Command(BaseCommand):
    help = (
        "Delete unverified pledges older than 7 days and erase the personal data of "
        "rejected and withdrawn pledges older than 90 days, and forget the emails sent "
        "to each address once they no longer count towards its limits, and erase the "
        "reporter's email address from reports closed more than 90 days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done, and change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        stale, closed = due(timezone.now())
        would = "Would " if dry_run else ""
        deleted, erased = stale.count(), closed.count()
        sent = SentEmail.expired()
        forgotten = sent.count()
        reports = Report.emails_to_erase()
        addresses = reports.count()
        if not dry_run:
            # Logos kept for sign-up forms that were never sent in the end.
            logos.purge_pending(timezone.now())
            sent.delete()
            reports.update(email="")
            for pledge in stale.iterator():
                pledge.delete()  # its logo's file goes too, once deleted (pledges.models)
            for pledge in closed.iterator():
                pledge.erase_personal_data()
        self.stdout.write(
            f"{would}{'delete' if dry_run else 'Deleted'} {deleted} unverified "
            f"pledge{'s'[: deleted != 1]} older than 7 days."
        )
        self.stdout.write(
            f"{would}{'erase' if dry_run else 'Erased'} the personal data of {erased} "
            f"rejected or withdrawn pledge{'s'[: erased != 1]} older than 90 days."
        )
        self.stdout.write(
            f"{would}{'forget' if dry_run else 'Forgot'} {forgotten} "
            f"email{'s'[: forgotten != 1]} sent to the public that no longer count towards a limit."
        )
        self.stdout.write(
            f"{would}{'erase' if dry_run else 'Erased'} the reporter's email address from "
            f"{addresses} report{'s'[: addresses != 1]} closed more than 90 days ago."
        )
