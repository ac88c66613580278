"""An approved organisation's changes to its public entry, held for a moderator's review."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from backing_lancashire import freshness
from pledges.models import Pledge, PledgeEvent, ProposedChange
from tests.factories import image_bytes, make_pledge
from tests.test_manage import answers, manage_url

pytestmark = pytest.mark.django_db

OPEN = ProposedChange.Status.OPEN


def propose(client, pledge, **changes):
    response = client.post(manage_url(pledge), answers(pledge, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return pledge.changes.get(status=OPEN)


def change_url(change, action="change"):
    return f"/admin/pledges/proposedchange/{change.pk}/{action}/"


def test_moderators_are_told_and_see_the_change_before_and_after(
    client, mod_client, approved, moderator, send_queued
):
    propose(client, approved, statement="A first draft.")
    change = propose(client, approved, website="https://evil.example", statement="Click here.")
    send_queued()
    # Told once of the change, not of each revision.
    (notice,) = [m for m in mail.outbox if m.to == [moderator.email]]
    assert notice.subject == f"Change to review: {approved.name}"
    assert change_url(change) in notice.body

    index = mod_client.get("/admin/").content.decode()
    assert "1 change to approved entries waiting for review." in index
    queue = mod_client.get("/admin/pledges/proposedchange/").content.decode()
    assert approved.name in queue and "Website, Why your organisation" in queue
    page = mod_client.get(change_url(change)).content.decode()
    for before_and_after in ("We buy local.", "Click here.", "https://evil.example"):
        assert before_and_after in page
    assert "Approve the change" in page and "Reject the change" in page
    assert 'name="_save"' not in page  # decided, never edited
    pledge_page = mod_client.get(f"/admin/pledges/pledge/{approved.pk}/change/").content.decode()
    assert change_url(change) in pledge_page


def test_an_approved_change_goes_public_and_the_organisation_is_told(
    client, mod_client, approved, moderator, send_queued, settings
):
    logo = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(
        manage_url(approved), {**answers(approved, name="Renamed Ltd"), "new_logo": logo}
    )
    assert response.status_code == 302
    change = approved.changes.get()
    old_name = approved.name
    old_page = client.get(approved.get_absolute_url()).content.decode()
    assert "Renamed Ltd" not in old_page

    response = mod_client.post(
        change_url(change, "approve"), {"seen": change.revision}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"Change to {old_name} approved."]
    approved.refresh_from_db()
    assert (approved.name, approved.status) == ("Renamed Ltd", Pledge.Status.APPROVED)
    assert approved.logo.name == change.logo.name
    assert "Renamed Ltd" in client.get(approved.get_absolute_url()).content.decode()
    assert "Renamed Ltd" in client.get("/signatories/").content.decode()
    event = approved.events.last()
    assert (event.action, event.actor) == ("change_approved", moderator)
    mail.outbox.clear()
    send_queued()
    (told,) = [m for m in mail.outbox if m.to == [approved.email]]
    assert "they are now shown on the signatory wall" in told.body


def test_a_rejected_change_leaves_the_entry_exactly_as_it_was(
    client, mod_client, approved, send_queued, settings, django_capture_on_commit_callbacks
):
    public = Client()  # mod_client is the same client, signed in
    page_before = public.get(approved.get_absolute_url()).content.decode()
    logo = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")
    client.post(manage_url(approved), {**answers(approved, statement="Spam."), "new_logo": logo})
    change = approved.changes.get()
    form = mod_client.get(change_url(change, "reject"))
    assert "Rejecting tells the organisation why by email." in form.content.decode()
    refused = mod_client.post(change_url(change, "reject"), {"note": "No reason given"})
    assert "Choose a reason." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mod_client.post(
            change_url(change, "reject"),
            {"reason": "inappropriate", "note": "No adverts.", "seen": change.revision},
        )
    change.refresh_from_db()
    assert change.status == "rejected" and not change.logo
    assert not list((settings.MEDIA_ROOT / "logos").iterdir())  # the new logo is gone
    assert public.get(approved.get_absolute_url()).content.decode() == page_before
    event = approved.events.last()
    assert (event.action, event.note) == ("change_rejected", "Inappropriate content. No adverts.")
    send_queued()
    (told,) = [m for m in mail.outbox if m.to == [approved.email]]
    assert "The reason: Inappropriate content." in told.body and "No adverts." in told.body
    assert "Your entry stays as it was." in told.body


@pytest.mark.parametrize(
    "reason, note, told",
    [
        ("website", "", "The reason: A website we cannot link to."),
        ("other", "Your statement names a person.", "The reason:\nYour statement names a person."),
    ],
)
def test_a_rejected_change_invites_a_reply_and_gives_its_reason(
    client, mod_client, approved, send_queued, settings, reason, note, told
):
    settings.CONTACT = {**settings.CONTACT, "email": "pledges@opcc.example"}
    change = propose(client, approved, statement="Spam.")
    mod_client.post(
        change_url(change, "reject"), {"reason": reason, "note": note, "seen": change.revision}
    )
    send_queued()
    (message,) = [m for m in mail.outbox if m.to == [approved.email]]
    # It says "write to" the Office: Reply reaches the Office, not noreply.
    assert message.reply_to == ["pledges@opcc.example"]
    assert told in message.body
    assert "Another reason" not in message.body + message.alternatives[0][0]


def test_a_change_whose_name_was_taken_since_is_not_approved(client, mod_client, approved):
    change = propose(client, approved, name="Popular Name")
    make_pledge(name="popular name", status=Pledge.Status.PENDING)
    response = mod_client.post(
        change_url(change, "approve"), {"seen": change.revision}, follow=True
    )
    assert "Not approved: Popular Name has already signed the pledge" in (response.content.decode())
    change.refresh_from_db()
    approved.refresh_from_db()
    assert change.status == OPEN and approved.name != "Popular Name"


def test_a_change_cannot_be_decided_twice_or_after_the_pledge_is_withdrawn(
    client, mod_client, approved
):
    change = propose(client, approved, statement="New.")
    mod_client.post(change_url(change, "approve"), {"seen": change.revision})
    again = mod_client.post(change_url(change, "approve"), {"seen": change.revision}, follow=True)
    assert "Not approved: the change is approved" in again.content.decode()

    second = propose(client, approved, statement="Newer.")
    approved.refresh_from_db()
    approved.withdraw()  # the organisation withdraws; its waiting change goes with it
    second.refresh_from_db()
    assert second.status == "withdrawn"
    assert (
        "Not rejected"
        in mod_client.post(
            change_url(second, "reject"), {"reason": "other", "note": "Why."}, follow=True
        ).content.decode()
    )


def test_only_staff_who_may_change_pledges_may_decide(client, approved, staff, django_user_model):
    change = propose(client, approved, statement="New.")
    client.force_login(staff)
    assert client.get(change_url(change)).status_code == 403
    assert client.post(change_url(change, "approve"), {"seen": change.revision}).status_code == 403
    assert ProposedChange.objects.get().status == OPEN


@pytest.mark.parametrize("status", [Pledge.Status.PENDING, Pledge.Status.APPROVED])
def test_an_organisations_edits_leave_the_public_version_alone(client, status):
    pledge = make_pledge(status=status, statement="Before.")
    version = freshness.version()
    response = client.post(manage_url(pledge), answers(pledge, statement="After."))
    assert response.status_code == 302
    assert freshness.version() == version  # no cached page is renewed


def test_the_manage_form_is_rate_limited(client, approved, settings):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    url = manage_url(approved)
    statuses = [client.post(url, answers(approved, statement=f"Try {n}.")).status_code
                for n in range(5)]  # fmt: skip
    assert statuses == [302, 302, 302, 302, 429]


def test_a_proposed_logo_is_shown_to_its_organisation_and_moderators_only(
    client, mod_client, approved
):
    logo = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")
    client.post(manage_url(approved), {**answers(approved), "new_logo": logo})
    name = approved.changes.get().logo.name.removeprefix("logos/")
    public = Client()
    assert public.get(f"/media/logos/{name}").status_code == 404

    link = manage_url(approved)  # once: a link made a second later differs
    page = public.get(link).content.decode()
    proposed = link + "proposed-logo"
    assert f'src="{proposed}"' in page
    assert image_type(public.get(proposed)) == "image/png"

    change = approved.changes.get()
    staff_page = mod_client.get(change_url(change)).content.decode()
    staff_logo = f"/admin/pledges/pledge/logo/{name}"
    assert f'src="{staff_logo}"' in staff_page
    assert image_type(mod_client.get(staff_logo)) == "image/png"


def image_type(response):
    # Read to the end: the test client then closes the file.
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    return response["Content-Type"]


def test_a_moderator_approves_only_the_revision_they_saw(client, mod_client, approved):
    change = propose(client, approved, statement="Harmless.")
    page = mod_client.get(change_url(change)).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    propose(client, approved, statement="Something else entirely.")  # revised meanwhile

    response = mod_client.post(change_url(change, "approve"), {"seen": seen}, follow=True)
    assert "the organisation revised the change after you opened it" in (response.content.decode())
    approved.refresh_from_db()
    assert approved.statement == "We buy local."
    change.refresh_from_db()
    assert change.status == OPEN

    # Seen again, it is approved as it now stands, and what it replaced is kept.
    mod_client.post(change_url(change, "approve"), {"seen": change.revision})
    approved.refresh_from_db()
    assert approved.statement == "Something else entirely."
    change.refresh_from_db()
    assert change.before == {"statement": "We buy local."}
    after = mod_client.get(change_url(change)).content.decode()
    assert "We buy local." in after and "Something else entirely." in after


def test_moderators_are_told_of_a_pledges_changes_once_a_day(
    client, approved, moderator, send_queued, settings
):
    settings.PLEDGE_RATE_LIMIT = None

    def notices():
        send_queued()
        return [m for m in mail.outbox if m.to == [moderator.email]]

    for n in range(4):  # propose, withdraw, propose again...
        propose(client, approved, statement=f"Try {n}.")
        client.post(manage_url(approved) + "withdraw-changes/")
    propose(client, approved, statement="Final.")
    (notice,) = notices()  # one, about the change waiting when it is sent
    assert "Why your organisation is backing Lancashire" in notice.body

    PledgeEvent.objects.filter(pledge=approved).update(at=timezone.now() - timedelta(days=2))
    client.post(manage_url(approved) + "withdraw-changes/")
    propose(client, approved, statement="A day later.")
    assert len(notices()) == 2


def test_a_decision_by_a_deleted_account_is_not_credited_to_the_organisation(
    client, mod_client, approved, moderator
):
    change = propose(client, approved, statement="New.")
    mod_client.post(change_url(change, "approve"), {"seen": change.revision})
    moderator.delete()
    event = approved.events.get(action="change_approved")
    assert event.actor_label == "a former member of staff"
