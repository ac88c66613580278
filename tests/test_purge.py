from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def aged(status, days):
    pledge = make_pledge(status=status)
    when = timezone.now() - timedelta(days=days)
    stamp = {
        S.UNVERIFIED: "submitted_at",
        S.PENDING: "submitted_at",
        S.APPROVED: "approved_at",
        S.REJECTED: "rejected_at",
        S.WITHDRAWN: "withdrawn_at",
    }[status]
    Pledge.objects.filter(pk=pledge.pk).update(**{stamp: when, "submitted_at": when})
    return pledge


@pytest.fixture
def pledges():
    return {
        "new unverified": aged(S.UNVERIFIED, 6),
        "old unverified": aged(S.UNVERIFIED, 8),
        "old pending": aged(S.PENDING, 200),
        "old approved": aged(S.APPROVED, 400),
        "recent rejected": aged(S.REJECTED, 89),
        "old rejected": aged(S.REJECTED, 91),
        "recent withdrawn": aged(S.WITHDRAWN, 30),
        "old withdrawn": aged(S.WITHDRAWN, 120),
    }


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("purge_pledges", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(Pledge.objects.values_list("pk", "status", "email", "contact_name"))


def test_dry_run_says_what_it_would_do_and_changes_nothing(pledges):
    before = snapshot()
    out = run("--dry-run")
    assert out.splitlines() == [
        "Would delete 1 unverified pledge older than 7 days.",
        "Would erase the personal data of 2 rejected or withdrawn pledges older than 90 days.",
        "Would forget 0 emails sent to the public that no longer count towards a limit.",
        "Would erase the reporter's email address from 0 reports closed more than 90 days ago.",
    ]
    assert snapshot() == before


def test_purge_deletes_and_erases_exactly_what_is_due(pledges):
    out = run()
    assert out.splitlines() == [
        "Deleted 1 unverified pledge older than 7 days.",
        "Erased the personal data of 2 rejected or withdrawn pledges older than 90 days.",
        "Forgot 0 emails sent to the public that no longer count towards a limit.",
        "Erased the reporter's email address from 0 reports closed more than 90 days ago.",
    ]
    assert not Pledge.objects.filter(pk=pledges["old unverified"].pk).exists()
    for key in ("old rejected", "old withdrawn"):
        pledge = Pledge.objects.get(pk=pledges[key].pk)
        assert (pledge.email, pledge.contact_name, pledge.contact_role, pledge.postcode) == (
            ("",) * 4
        )
        assert pledge.erased_at is not None
        assert pledge.name == pledges[key].name  # what the audit trail needs stays
        assert pledge.events.filter(action="erased").count() == 1
    for key in ("new unverified", "old pending", "old approved", "recent rejected",
                "recent withdrawn"):  # fmt: skip
        pledge = Pledge.objects.get(pk=pledges[key].pk)
        assert pledge.email == pledges[key].email, key


def test_a_second_run_finds_nothing_more(pledges):
    run()
    assert run().splitlines() == [
        "Deleted 0 unverified pledges older than 7 days.",
        "Erased the personal data of 0 rejected or withdrawn pledges older than 90 days.",
        "Forgot 0 emails sent to the public that no longer count towards a limit.",
        "Erased the reporter's email address from 0 reports closed more than 90 days ago.",
    ]
