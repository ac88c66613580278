import pytest

from pledges.models import Pledge, PledgeStateError
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def test_the_happy_path_stamps_and_records_each_step(staff):
    pledge = make_pledge()
    pledge.verify()
    pledge.approve(by=staff)
    pledge.withdraw(by=None, note="Closing down")
    pledge.refresh_from_db()
    assert pledge.status == S.WITHDRAWN
    assert pledge.verified_at and pledge.approved_at and pledge.withdrawn_at
    events = list(pledge.events.values_list("action", "from_status", "to_status", "actor", "note"))
    assert events == [
        ("submitted", "", "unverified", None, ""),
        ("verified", "unverified", "pending", None, ""),
        ("approved", "pending", "approved", staff.pk, ""),
        ("withdrawn", "approved", "withdrawn", None, "Closing down"),
        ("erased", "withdrawn", "withdrawn", None, ""),
    ]
    assert str(pledge.events.get(action="withdrawn")) == "Withdraw by the organisation"
    # The organisation withdrew, so its contact details went with it.
    assert (pledge.contact_name, pledge.email, pledge.postcode, str(pledge.phone)) == ("",) * 4
    assert pledge.erased_at is not None


def test_staff_withdrawal_keeps_contact_details_until_the_purge(staff, approved):
    approved.withdraw(by=staff)
    approved.refresh_from_db()
    assert approved.status == S.WITHDRAWN
    assert approved.email and approved.erased_at is None


def test_reject_records_the_note(staff, pending):
    pending.reject(by=staff, reason="not-lancashire", note="Based in Leeds.")
    pending.refresh_from_db()
    assert pending.status == S.REJECTED and pending.rejected_at
    assert pending.rejection_reason == "not-lancashire"
    assert pending.events.last().note == "Not connected to Lancashire. Based in Leeds."


@pytest.mark.parametrize(
    "start, move",
    [
        (S.PENDING, "verify"),
        (S.APPROVED, "verify"),
        (S.UNVERIFIED, "approve"),
        (S.APPROVED, "approve"),
        (S.REJECTED, "approve"),
        (S.WITHDRAWN, "approve"),
        (S.UNVERIFIED, "reject"),
        (S.APPROVED, "reject"),
        (S.WITHDRAWN, "reject"),
        (S.UNVERIFIED, "withdraw"),
        (S.REJECTED, "withdraw"),
        (S.WITHDRAWN, "withdraw"),
    ],
)
def test_a_move_from_the_wrong_state_is_refused_and_changes_nothing(staff, start, move):
    pledge = make_pledge(status=start)
    kwargs = {"verify": {}, "reject": {"by": staff, "reason": "other"}}.get(move, {"by": staff})
    with pytest.raises(PledgeStateError):
        getattr(pledge, move)(**kwargs)
    pledge.refresh_from_db()
    assert pledge.status == start
    assert pledge.events.count() == 1


def test_a_stale_copy_cannot_move_a_pledge_twice(staff, pending):
    second = Pledge.objects.get(pk=pending.pk)
    pending.approve(by=staff)
    with pytest.raises(PledgeStateError):
        second.reject(by=staff, reason="other")
    assert Pledge.objects.get(pk=pending.pk).status == S.APPROVED


def test_active_pledges_are_the_pending_approved_and_lapsed():
    # Which are public: test_privacy.py. A lapsed pledge keeps its organisation's place.
    for status in S:
        make_pledge(status=status)
    active = sorted(p.status for p in Pledge.objects.active())
    assert active == sorted([S.PENDING, S.APPROVED, S.LAPSED])
