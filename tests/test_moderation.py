import csv
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django_tasks_db.models import DBTaskResult

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status
CHANGELIST = "/admin/pledges/pledge/"


def action(client, name, pledges, **extra):
    # From the "All" view, as an action only reaches pledges the current filter shows.
    data = {"action": name, "_selected_action": [p.pk for p in pledges], **extra}
    return client.post(CHANGELIST + "?status=all", data, follow=True)


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_queue_opens_on_pending_pledges_oldest_first(mod_client):
    newer = make_pledge(status=S.PENDING)
    older = make_pledge(status=S.PENDING)
    Pledge.objects.filter(pk=older.pk).update(submitted_at=newer.submitted_at.replace(year=2025))
    make_pledge(status=S.APPROVED)
    make_pledge(status=S.UNVERIFIED)
    response = mod_client.get(CHANGELIST)
    assert [p.pk for p in response.context["cl"].result_list] == [older.pk, newer.pk]
    html = response.content.decode()
    for column in ("Organisation name", "Website", "Status", "Submitted at", "Verified at"):
        assert f">{column}</a>" in html, column
    for column in ("Statement", "District, sector and size"):
        assert f"<span>{column}</span>" in html, column
    assert (
        '<td class="field-about"><span class="about-line">Preston</span>'
        '<span class="about-line">Building and construction, including trades</span>'
        '<span class="about-line">Micro (0–9 employees)</span></td>'
    ) in html


def test_the_status_filter_can_show_everything(mod_client):
    for status in S:
        make_pledge(status=status)
    response = mod_client.get(CHANGELIST + "?status=all")
    assert len(response.context["cl"].result_list) == len(S)
    response = mod_client.get(CHANGELIST + "?status=approved")
    assert [p.status for p in response.context["cl"].result_list] == [S.APPROVED]


@pytest.mark.parametrize(
    "title",
    ["status", "district", "sector", "type of organisation", "number of employees",
     "commits to spend through local and regional firms", "commits to pay the real Living Wage",
     "commits to create jobs and apprenticeships", "commits to create volunteering opportunities",
     "commits to protect the environment"],
)  # fmt: skip
def test_each_filter_shows(mod_client, pending, title):
    html = mod_client.get(CHANGELIST).content.decode()
    assert f"By {title}" in html


def test_search_finds_by_name_contact_and_email(mod_client):
    pledge = make_pledge(status=S.PENDING, name="Lytham Lanterns", contact_name="Ada Quill")
    make_pledge(status=S.PENDING)
    for term in ("Lanterns", "Ada Quill", pledge.email):
        response = mod_client.get(CHANGELIST, {"q": term})
        assert [p.pk for p in response.context["cl"].result_list] == [pledge.pk], term
    assert '<nav class="toplinks">' in mod_client.get(CHANGELIST).content.decode()  # by date


def test_the_admin_index_says_how_many_are_waiting(mod_client):
    make_pledge(status=S.PENDING)
    make_pledge(status=S.PENDING)
    html = mod_client.get("/admin/").content.decode()
    assert "2 pledges waiting for review." in html


def test_approve_one_from_its_page_emails_the_organisation(
    mod_client, moderator, pending, send_queued
):
    response = mod_client.post(f"{CHANGELIST}{pending.pk}/approve/", follow=True)
    assert "Approved 1 pledge." in page_messages(response)
    pending.refresh_from_db()
    assert pending.status == S.APPROVED and pending.approved_at
    event = pending.events.last()
    assert (event.action, event.actor) == ("approved", moderator)
    send_queued()
    (message,) = mail.outbox
    assert message.to == [pending.email]
    assert f"http://127.0.0.1:8000/signatories/{pending.slug}/" in message.body
    assert f"http://127.0.0.1:8000/signatories/{pending.slug}/#badge" in message.body
    assert "http://127.0.0.1:8000/pledge/manage/" in message.body


def test_bulk_approve_reports_a_count_and_refuses_the_wrong_state(mod_client, send_queued):
    pending = [make_pledge(status=S.PENDING) for _ in range(3)]
    withdrawn = make_pledge(status=S.WITHDRAWN)
    response = action(mod_client, "approve_selected", [*pending, withdrawn])
    msgs = page_messages(response)
    assert "Approved 3 pledges." in msgs
    assert (
        f"Not approved, as the pledge is in the wrong state: {withdrawn.name} (withdrawn)." in msgs
    )
    assert Pledge.objects.filter(status=S.APPROVED).count() == 3
    withdrawn.refresh_from_db()
    assert withdrawn.status == S.WITHDRAWN and withdrawn.events.count() == 1
    send_queued()
    assert len(mail.outbox) == 3


def test_reject_asks_for_a_reason_before_anything_changes(mod_client, pending, send_queued):
    response = mod_client.get(f"{CHANGELIST}{pending.pk}/reject/")
    html = response.content.decode()
    reasons = [
        "Not a real organisation",
        "Not connected to Lancashire",
        "A duplicate of another pledge",
        "Inappropriate content",
        "Another reason",
    ]
    for reason in reasons:
        assert reason in html
    assert Pledge.objects.get().status == S.PENDING
    response = mod_client.post(f"{CHANGELIST}{pending.pk}/reject/", {"note": "x"})
    assert "Please correct the errors below." in response.content.decode()
    assert "Choose a reason." in response.content.decode()
    assert Pledge.objects.get().status == S.PENDING
    send_queued()
    assert mail.outbox == []


def test_reject_with_a_reason_and_note_emails_both(mod_client, pending, send_queued):
    mod_client.post(
        f"{CHANGELIST}{pending.pk}/reject/",
        {"reason": "not-lancashire", "note": "We could not find a Lancashire site."},
    )
    pending.refresh_from_db()
    assert pending.status == S.REJECTED and pending.rejection_reason == "not-lancashire"
    send_queued()
    (message,) = mail.outbox
    assert "The reason: Not connected to Lancashire." in message.body
    assert "We could not find a Lancashire site." in message.body


def test_a_rejection_invites_a_reply_to_the_office(mod_client, pending, send_queued, settings):
    # The email says "reply to" the Office's address: Reply must reach it, not noreply.
    settings.CONTACT = {**settings.CONTACT, "email": "pledges@opcc.example"}
    mod_client.post(f"{CHANGELIST}{pending.pk}/reject/", {"reason": "duplicate"})
    send_queued()
    (message,) = mail.outbox
    assert message.reply_to == ["pledges@opcc.example"]
    assert "reply to pledges@opcc.example" in message.body


def test_another_reason_is_told_in_the_moderators_own_words(mod_client, pending, send_queued):
    mod_client.post(
        f"{CHANGELIST}{pending.pk}/reject/",
        {"reason": "other", "note": "Your website is not working."},
    )
    send_queued()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Another reason" not in text and "A note from our team" not in text
        assert "The reason:" in text and "Your website is not working." in text


def test_bulk_reject_goes_through_the_reason_page(mod_client, send_queued):
    pledges = [make_pledge(status=S.PENDING) for _ in range(2)]
    first = action(mod_client, "reject_selected", pledges)
    assert "Reject pledges" in first.content.decode()
    assert Pledge.objects.filter(status=S.PENDING).count() == 2
    response = action(mod_client, "reject_selected", pledges, confirm="yes", reason="duplicate")
    assert "Rejected 2 pledges." in page_messages(response)
    assert Pledge.objects.filter(status=S.REJECTED).count() == 2
    send_queued()
    assert len(mail.outbox) == 2


def test_staff_can_withdraw_after_confirming(mod_client, approved):
    page = mod_client.get(f"{CHANGELIST}{approved.pk}/withdraw/")
    assert "Yes, withdraw" in page.content.decode()
    assert Pledge.objects.get().status == S.APPROVED
    mod_client.post(f"{CHANGELIST}{approved.pk}/withdraw/")
    approved.refresh_from_db()
    assert approved.status == S.WITHDRAWN
    assert approved.email  # kept until the purge: staff may need it
    assert mod_client.get(f"/signatories/{approved.slug}/").status_code == 404


@pytest.mark.parametrize("start", [S.WITHDRAWN, S.REJECTED, S.APPROVED, S.UNVERIFIED])
def test_approving_from_the_wrong_state_is_refused(mod_client, start):
    pledge = make_pledge(status=start)
    response = mod_client.post(f"{CHANGELIST}{pledge.pk}/approve/", follow=True)
    assert any("wrong state" in m for m in page_messages(response))
    pledge.refresh_from_db()
    assert pledge.status == start and pledge.events.count() == 1
    assert not DBTaskResult.objects.exists()  # no email queued


def test_the_history_and_consent_are_read_only(mod_client, pending):
    html = mod_client.get(f"{CHANGELIST}{pending.pk}/change/").content.decode()
    assert 'name="moderator_note"' in html
    for field in ("status", "consented_at", "verified_at", "authorised", "privacy_notice_version"):
        assert f'name="{field}"' not in html, field
    assert 'name="events-0-note"' not in html


def test_a_staff_edit_is_recorded(mod_client, moderator, pending):
    page = mod_client.get(f"{CHANGELIST}{pending.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        moderator_note="Checked on Companies House.",
        **{"events-TOTAL_FORMS": 1, "events-INITIAL_FORMS": 1},
    )
    data.pop("logo", None)
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = mod_client.post(f"{CHANGELIST}{pending.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pending.refresh_from_db()
    assert pending.moderator_note == "Checked on Companies House."
    event = pending.events.last()
    assert (event.action, event.actor) == ("updated", moderator)
    assert "moderator_note" in event.note


def test_a_moderator_cannot_reach_users_groups_or_delete(mod_client, pending):
    assert mod_client.get("/admin/auth/user/").status_code == 403
    assert mod_client.get("/admin/auth/group/").status_code == 403
    assert mod_client.get(f"{CHANGELIST}{pending.pk}/delete/").status_code == 403
    response = action(mod_client, "delete_selected", [pending])
    assert Pledge.objects.filter(pk=pending.pk).exists()
    assert "delete_selected" not in mod_client.get(CHANGELIST).content.decode()
    assert response.status_code == 200


def test_a_moderator_can_edit_figures_and_quotes(mod_client):
    assert mod_client.get("/admin/campaign/spendfigure/add/").status_code == 200
    assert mod_client.get("/admin/campaign/testimonial/1/change/").status_code == 200


def test_the_moderators_group_has_exactly_these_permissions():
    perms = Group.objects.get(name="Moderators").permissions.values_list(
        "content_type__app_label", "codename"
    )
    assert sorted(perms) == [
        ("campaign", "add_spendfigure"), ("campaign", "add_testimonial"),
        ("campaign", "change_spendfigure"), ("campaign", "change_testimonial"),
        ("campaign", "view_spendfigure"), ("campaign", "view_testimonial"),
        ("impact", "change_impactreturn"), ("impact", "view_impactreturn"),
        ("pledges", "add_buyinglink"), ("pledges", "change_buyinglink"),
        ("pledges", "change_pledge"), ("pledges", "delete_buyinglink"),
        ("pledges", "view_buyinglink"), ("pledges", "view_pledge"), ("pledges", "view_pledgeevent"),
    ]  # fmt: skip


def test_export_needs_its_own_permission(mod_client, moderator, pending):
    assert "export_csv" not in mod_client.get(CHANGELIST).content.decode()
    response = action(mod_client, "export_csv", [pending])
    assert response["Content-Type"].startswith("text/html")
    assert pending.email not in response.content.decode()


def test_export_has_contact_details(mod_client, moderator, pending):
    moderator.user_permissions.add(Permission.objects.get(codename="export_pledges"))
    response = action(mod_client, "export_csv", [pending])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["email"] == pending.email
    # In national form: a leading + would be neutralised as a spreadsheet formula.
    assert rows[0]["phone"] == pending.phone.as_national
    assert rows[0]["phone"].startswith("07")


def test_the_moderators_link_opens_the_pledge_in_the_admin(admin_client, pending):
    html = admin_client.get(f"/admin/pledges/pledge/{pending.pk}/change/").content.decode()
    assert pending.name in html
    assert re.search(r'class="inline-heading">\s*History\s*</h2>', html)
    # The history's first row, by its action: "Submit" alone also matches "Submitted at".
    assert re.search(r'<td class="field-action">\s*<p>Submit</p>', html)
