"""Reporting a concern about a listing, and how moderators deal with it."""

import json
import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledges.models import Pledge, Report
from tests.factories import make_pledge, started

pytestmark = pytest.mark.django_db

S = Pledge.Status
REPORTER = "Worried.Neighbour@example.org"
DETAILS = "This bakery closed in 2019; the owner told me so herself."


def report_url(pledge):
    return f"/signatories/{pledge.slug}/report/"


def answers(**overrides):
    values = {
        "reason": "closed",
        "details": DETAILS,
        "email": REPORTER,
        "leave_blank": "",
        "started": started(seconds_ago=60),
        **overrides,
    }
    return {key: value for key, value in values.items() if value is not None}


def send_report(client, pledge, **overrides):
    return client.post(report_url(pledge), answers(**overrides))


def test_each_signatory_page_links_to_the_report_form(client, approved):
    html = client.get(approved.get_absolute_url()).content.decode()
    assert (
        f'<a href="/signatories/{approved.slug}/report/">Report a concern about this listing</a>'
        in html
    )
    form = client.get(report_url(approved))
    assert form.status_code == 200
    assert form["X-Robots-Tag"] == "noindex"
    for reason in Report.Reason.labels:
        assert reason in form.content.decode()


@pytest.mark.parametrize("status", [S.UNVERIFIED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_only_a_public_listing_can_be_reported(client, status):
    pledge = make_pledge(status=status)
    assert client.get(report_url(pledge)).status_code == 404
    assert send_report(client, pledge).status_code == 404
    assert not Report.objects.exists()


def test_a_report_reaches_moderators_and_nobody_else(client, approved, moderator, send_queued):
    response = send_report(client, approved)
    assert response.status_code == 302
    assert response["Location"] == f"/signatories/{approved.slug}/report/sent/"
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for telling us" in thanks

    report = Report.objects.get()
    assert (report.pledge, report.reason, report.details, report.email) == (
        approved,
        "closed",
        DETAILS,
        REPORTER,
    )
    assert report.status == Report.Status.OPEN
    send_queued()
    (message,) = mail.outbox
    assert message.to == [moderator.email]
    assert DETAILS in message.body and DETAILS in message.alternatives[0][0]
    assert f"/admin/pledges/report/{report.pk}/change/" in message.body
    # The reporter's address stays in the admin; the organisation hears nothing.
    assert REPORTER.lower() not in str(message.message()).lower()
    assert all(approved.email not in m.to for m in mail.outbox)


def test_nothing_about_a_report_is_public(client, approved):
    send_report(client, approved)
    reason = Report.Reason.CLOSED.label
    for url in [
        approved.get_absolute_url(),
        "/signatories/",
        "/signatories.csv",
        "/signatories.json",
        "/signatories/feed/",
        f"/signatories/{approved.slug}/certificate/",
        f"/signatories/{approved.slug}/report/sent/",
    ]:
        body = b"".join(client.get(url)).decode()
        for private in (DETAILS, REPORTER, reason):
            assert private not in body, (url, private)
    (entry,) = json.loads(b"".join(client.get("/signatories.json")))["signatories"]
    assert not any("report" in key for key in entry)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"reason": None}, "reason", "Choose what is wrong with this listing."),
        ({"reason": "made-up"}, "reason", "Choose what is wrong with this listing."),
        ({"reason": ""}, "reason", "Choose what is wrong with this listing."),
        ({"details": ""}, "details", "Tell us what is wrong with this listing."),
        ({"details": "   "}, "details", "Tell us what is wrong with this listing."),
        ({"details": "x" * 2001}, "details", "Enter a description of 2,000 characters or fewer."),
        ({"details": "Hidden\u202etext"}, "details", None),
        ({"details": "Null\x00byte"}, "details", None),
        ({"email": "not an address"}, "email", "Enter an email address in the right form"),
        ({"email": "a@b.c\x00"}, "email", None),
        ({"email": "x" * 300 + "@example.org"}, "email", None),
    ],
)
def test_a_bad_answer_is_refused_beside_its_field_and_nothing_is_saved(
    client, approved, overrides, field, message
):
    response = send_report(client, approved, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html  # the error summary links to the field
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    if message:
        assert message in html
    assert response.context["form"].errors.keys() == {field}
    assert not Report.objects.exists()
    assert DETAILS in html or overrides.get("details") is not None  # answers kept


def test_the_email_address_is_optional(client, approved):
    send_report(client, approved, email="")
    assert Report.objects.get().email == ""


@pytest.mark.parametrize(
    "overrides",
    [
        lambda: {"leave_blank": "http://spam.example"},
        lambda: {"started": started(seconds_ago=0)},
        lambda: {"started": "forged"},
        lambda: {"started": None},
        lambda: {"started": started(seconds_ago=60, visitor="someone else")},
    ],
    ids=["honeypot", "too fast", "forged token", "no token", "another visitor's token"],
)
def test_a_bot_gets_the_same_thanks_and_nothing_is_saved(client, approved, overrides):
    response = send_report(client, approved, **overrides())
    assert response.status_code == 302
    assert response["Location"] == f"/signatories/{approved.slug}/report/sent/"
    assert not Report.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_reports_are_limited_per_client(client, approved, settings):
    settings.PLEDGE_RATE_LIMIT = "2/h"
    assert send_report(client, approved).status_code == 302
    assert send_report(client, approved).status_code == 302
    over = send_report(client, approved)
    assert over.status_code == 429
    assert Report.objects.count() == 2


def test_another_client_is_not_held_back_by_one_that_reported_too_often(client, approved, settings):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    send_report(client, approved)
    assert send_report(client, approved).status_code == 429
    other = client.post(report_url(approved), answers(), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    assert Report.objects.count() == 2


def test_the_reporter_s_address_is_never_logged_or_queued(
    client, approved, moderator, send_queued, caplog
):
    caplog.set_level(logging.DEBUG)
    send_report(client, approved)
    send_queued()
    assert len(mail.outbox) == 1
    logged = "\n".join(
        [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]
        + [str(r.args) for r in caplog.records]
    ).lower()
    assert REPORTER.lower() not in logged
    queued = str(list(DBTaskResult.objects.values_list("args_kwargs", "return_value")))
    assert REPORTER.lower() not in queued.lower() and DETAILS not in queued


# The admin --------------------------------------------------------------------------


def test_the_admin_index_counts_open_reports(mod_client, approved):
    assert (
        "No reported concerns about listings are open."
        in mod_client.get("/admin/").content.decode()
    )
    Report.receive(approved, reason="other", details="One.")
    Report.receive(approved, reason="other", details="Two.")
    html = mod_client.get("/admin/").content.decode()
    assert "2 reported concerns about listings open." in html
    assert 'href="/admin/pledges/report/"' in html


def test_the_queue_opens_on_open_reports_linked_to_their_pledge(mod_client, approved, moderator):
    waiting = Report.receive(approved, reason="misleading", details="Not true.")
    done = Report.receive(approved, reason="other", details="Old news.")
    done.close(by=moderator, outcome="no-action")
    html = mod_client.get("/admin/pledges/report/").content.decode()
    assert f"/admin/pledges/report/{waiting.pk}/change/" in html
    assert f"/admin/pledges/report/{done.pk}/change/" not in html
    page = mod_client.get(f"/admin/pledges/report/{waiting.pk}/change/").content.decode()
    assert f'href="/admin/pledges/pledge/{approved.pk}/change/"' in page
    assert "Not true." in page


def test_a_moderator_closes_a_report_with_an_outcome(mod_client, approved, moderator):
    report = Report.receive(approved, reason="closed", details=DETAILS, email=REPORTER)
    url = f"/admin/pledges/report/{report.pk}/change/"
    refused = mod_client.post(url, {"outcome": "", "outcome_note": ""})
    assert "Choose what was done." in refused.content.decode()
    refused = mod_client.post(url, {"outcome": "other", "outcome_note": ""})
    assert "Say what was done." in refused.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN

    mod_client.post(url, {"outcome": "withdrawn", "outcome_note": "Confirmed closed; withdrawn."})
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    assert report.outcome == "withdrawn" and report.outcome_note == "Confirmed closed; withdrawn."
    assert report.closed_by == moderator and report.closed_at is not None

    # Closed once: the record of what was done stays as it was.
    mod_client.post(url, {"outcome": "no-action", "outcome_note": "Changed my mind."})
    report.refresh_from_db()
    assert report.outcome == "withdrawn"
    assert "Changed my mind." not in mod_client.get(url).content.decode()


def test_staff_who_may_not_see_pledges_may_not_see_reports(client, staff, approved):
    report = Report.receive(approved, reason="other", details="Private words.")
    client.force_login(staff)
    assert client.get("/admin/pledges/report/").status_code == 403
    assert client.get(f"/admin/pledges/report/{report.pk}/change/").status_code == 403


def test_a_report_closed_before_its_notice_goes_is_not_sent(approved, moderator, send_queued):
    report = Report.receive(approved, reason="other", details="Quickly dealt with.")
    report.close(by=moderator, outcome="no-action")
    send_queued()
    assert mail.outbox == []


# Keeping the reporter's address no longer than needed --------------------------------


def purge():
    out = StringIO()
    call_command("purge_pledges", stdout=out)
    return out.getvalue()


def test_purge_erases_the_reporter_s_address_90_days_after_closing(approved, moderator):
    old = Report.receive(approved, reason="other", details="Old.", email="old@example.org")
    recent = Report.receive(approved, reason="other", details="New.", email="new@example.org")
    still_open = Report.receive(approved, reason="other", details="Open.", email="o@example.org")
    for report in (old, recent):
        report.close(by=moderator, outcome="no-action")
    Report.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=91))
    Report.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - timedelta(days=89))
    Report.objects.filter(pk=still_open.pk).update(received_at=timezone.now() - timedelta(days=400))

    assert "from 1 report closed more than 90 days ago" in purge()
    emails = dict(Report.objects.values_list("pk", "email"))
    assert emails == {old.pk: "", recent.pk: "new@example.org", still_open.pk: "o@example.org"}
    assert Report.objects.get(pk=old.pk).details == "Old."  # the record itself stays
    assert "from 0 reports" in purge()
