"""The yearly check-in: reminders, lapsing, the check-in page, and where a pledge stands."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backing_lancashire import freshness
from impact import years
from pledges import checkins
from pledges.models import Pledge, PledgeEvent, ProposedChange, SentEmail, recipient_digest
from pledges.status import Status as S
from pledges.themes import THEME
from pledges.tokens import make_manage_token
from tests.factories import admin_edit, make_pledge
from tests.test_open_data import body

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def affirmed(days_ago, status=S.APPROVED, reminded=True, **fields):
    """An approved pledge last affirmed `days_ago` days ago (at this moment of that day)
    and, if `reminded`, sent its reminders when they fell due, as a daily run would."""
    pledge = make_pledge(status=status, **fields)
    moment = timezone.now() - days_ago * DAY
    Pledge.objects.filter(pk=pledge.pk).update(affirmed_at=moment, approved_at=moment)
    if reminded and days_ago * DAY >= checkins.SECOND_REMINDER:
        Pledge.objects.filter(pk=pledge.pk).update(
            checkin_reminders=2, reminded_at=moment + checkins.SECOND_REMINDER
        )
    pledge.refresh_from_db()
    return pledge


def run(*args):
    out = io.StringIO()
    call_command("run_checkins", *args, stdout=out, verbosity=0)
    return out.getvalue().strip()


def queued(kind):
    """The emails of `kind` queued, by pledge id: a command's batches (each of which the
    worker turns into one task a pledge), or else the tasks queued one by one."""
    rows = [row["args"] for row in DBTaskResult.objects.values_list("args_kwargs", flat=True)]
    batches = [ids for each, ids in rows if each == kind and isinstance(ids, list)]
    if batches:
        return sorted(pk for batch in batches for pk in batch)
    return sorted(pk for each, pk, *_ in rows if each == kind)


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock that a test moves by hand."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def move(by):
        now[0] += by

    return move


def test_approval_is_the_first_affirmation(pending, moderator):
    pending.approve(by=moderator)
    pending.refresh_from_db()
    assert pending.affirmed_at == pending.approved_at
    assert checkins.standing(pending) == checkins.Standing.CURRENT


@pytest.mark.parametrize(
    "days, standing",
    [(0, "current"), (364, "current"), (365, "due"), (394, "due")],
)
def test_a_year_after_the_last_affirmation_a_check_in_is_due(days, standing):
    assert checkins.standing(affirmed(days)) == standing


def test_the_first_reminder_goes_eleven_months_on_and_only_once():
    early, due = affirmed(330), affirmed(335)
    assert run() == "Sent 1 first reminder and 0 second reminders; lapsed 0 pledges."
    assert queued("checkin") == [due.pk]
    due.refresh_from_db()
    early.refresh_from_db()
    assert (due.checkin_reminders, early.checkin_reminders) == (1, 0)
    assert due.events.filter(action=PledgeEvent.Action.REMINDED).count() == 1
    assert run() == "Sent 0 first reminders and 0 second reminders; lapsed 0 pledges."
    assert queued("checkin") == [due.pk]


def test_the_second_reminder_goes_a_fortnight_before_the_year_is_up():
    pledge = affirmed(335)
    run()
    Pledge.objects.filter(pk=pledge.pk).update(affirmed_at=timezone.now() - 352 * DAY)
    assert run() == "Sent 0 first reminders and 1 second reminder; lapsed 0 pledges."
    assert queued("checkin") == [pledge.pk, pledge.pk]
    run()
    assert len(queued("checkin")) == 2


def test_a_pledge_that_missed_its_first_reminder_gets_only_the_second():
    pledge = affirmed(360, reminded=False)
    assert run() == "Sent 0 first reminders and 1 second reminder; lapsed 0 pledges."
    assert queued("checkin") == [pledge.pk]
    assert Pledge.objects.get().checkin_reminders == 2


def test_past_the_grace_period_a_pledge_lapses_and_leaves_the_wall(client, settings):
    settings.CHECKIN_GRACE_DAYS = 30
    listed, lapsing = affirmed(394, name="Still Listed"), affirmed(396, name="Lapsing Now")
    before = freshness.version()
    freshness.forget()
    assert run().endswith("lapsed 1 pledge.")
    lapsing.refresh_from_db()
    assert lapsing.status == S.LAPSED and lapsing.lapsed_at is not None
    assert queued("lapsed") == [lapsing.pk]
    assert freshness.version() != before  # no page or export from before is served
    wall = client.get("/signatories/").content.decode()
    assert "Still Listed" in wall and "Lapsing Now" not in wall
    assert "Check-in due" in wall
    assert "Showing 1–1 of 1 signatory" in wall
    lapsed = client.get("/signatories/?standing=lapsed").content.decode()
    assert "Lapsing Now" in lapsed and "Still Listed" not in lapsed
    assert f"Lapsed {timezone.now():%B %Y}" in lapsed
    page = client.get(lapsing.get_absolute_url()).content.decode()
    assert f"This organisation’s pledge lapsed on {timezone.localtime():%-d %B %Y}" in page
    assert lapsing.email not in page and str(lapsing.phone) not in page
    assert listed.get_absolute_url() in wall
    assert run().endswith("lapsed 0 pledges.")
    assert queued("lapsed") == [lapsing.pk]


def test_a_lapsed_pledge_is_not_counted_nor_in_the_current_open_data(client):
    affirmed(10, name="Current One")
    affirmed(500, name="Gone Quiet")
    run()
    assert Pledge.objects.get(name="Gone Quiet").status == S.LAPSED
    data = json.loads(body(client.get("/signatories.json")))
    assert [row["name"] for row in data["signatories"]] == ["Current One"]
    home = client.get("/signatories/").content.decode()
    assert "Showing 1–1 of 1 signatory" in home


def test_a_pledge_never_reminded_is_warned_before_it_lapses(clock, send_queued):
    # The first run over pledges approved long ago, or after the schedule stopped.
    pledge = affirmed(500, reminded=False)
    assert run() == "Sent 0 first reminders and 1 second reminder; lapsed 0 pledges."
    assert queued("checkin") == [pledge.pk]
    clock(checkins.NOTICE * 2)  # queued long ago, never sent: no lapse, queued again
    assert run() == "Sent 0 first reminders and 1 second reminder; lapsed 0 pledges."
    send_queued()  # now it goes, once, and the fortnight's notice runs from here
    assert len(mail.outbox) == 1
    clock(checkins.NOTICE - DAY)
    assert run() == "Sent 0 first reminders and 0 second reminders; lapsed 0 pledges."
    clock(DAY)
    assert run().endswith("lapsed 1 pledge.")
    assert queued("checkin") == [pledge.pk, pledge.pk] and queued("lapsed") == [pledge.pk]


def test_the_dry_run_changes_nothing_and_says_what_it_would_do():
    affirmed(335)
    affirmed(352, reminded=False)
    affirmed(500)
    said = run("--dry-run")
    assert said == "Would send 1 first reminder and 1 second reminder; would lapse 1 pledge."
    assert not DBTaskResult.objects.exists()
    assert not PledgeEvent.objects.filter(action__in=["reminded", "lapsed"]).exists()
    assert sorted(Pledge.objects.values_list("checkin_reminders", flat=True)) == [0, 0, 2]


def test_running_again_sends_nothing_twice_whatever_the_clock(clock, send_queued):
    pledge = affirmed(335)
    run()
    clock(-2 * DAY)  # the clock put back: the reminder is not due, and was sent anyway
    run()
    clock(4 * DAY)
    run()
    assert queued("checkin") == [pledge.pk]
    clock(20 * DAY)  # now the second is due: sent once
    run()
    run()
    assert queued("checkin") == [pledge.pk, pledge.pk]
    send_queued()
    clock(60 * DAY)
    run()
    run()
    assert queued("lapsed") == [pledge.pk]
    assert Pledge.objects.get().events.filter(action="lapsed").count() == 1


def test_reminders_to_one_address_go_as_one_message_within_its_limits(send_queued):
    first = affirmed(335, name="Bay Bakery", email="jo@example.org")
    second = affirmed(336, name="Bay Butchers", email="jo@example.org")
    run()
    assert sorted(queued("checkin")) == sorted([first.pk, second.pk])
    send_queued()
    # The second pledge's task waited for the address's next turn; when it comes, the
    # message that went has covered it, and nothing more is sent.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    send_queued()
    (message,) = [m for m in mail.outbox if m.to == ["jo@example.org"]]
    assert message.subject == "Time to check in: your Backing Lancashire pledges"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.reminded_at and second.reminded_at  # sent, both
    assert "Bay Bakery" in message.body and "Bay Butchers" in message.body
    due = timezone.localtime(first.affirmed_at + checkins.YEAR)
    assert f"Please check in by {due:%-d %B %Y}" in message.body
    link = re.search(r"http://\S+/pledge/manage/(\S+)/check-in/", message.body)
    assert link


def test_the_lapse_notice_says_how_to_come_back(send_queued):
    affirmed(500, name="Quiet Mill", email="mill@example.org")
    run()
    send_queued()
    (message,) = mail.outbox
    assert message.subject == "Your Backing Lancashire pledge has lapsed"
    assert "check in at any time and it will be listed again at once" in message.body
    assert "/pledge/manage/" in message.body


def checkin_url(pledge):
    return f"/pledge/manage/{make_manage_token(pledge)}/check-in/"


def answers(pledge, **changes):
    fields = {
        name: "on"
        for name in checkins_fields()
        if getattr(pledge, name) and changes.get(name, True) is not False
    }
    fields.update({k: v for k, v in changes.items() if v is not False})
    fields.setdefault("impact-year", str(years.open_years()[0]))  # as the page's select sends
    return fields


def checkins_fields():
    return [
        "commits_local_spend",
        "commits_living_wage",
        "commits_jobs",
        "commits_volunteering",
        "commits_environment",
    ]


def test_checking_in_affirms_the_pledge_for_another_year(client):
    pledge = affirmed(340)
    Pledge.objects.filter(pk=pledge.pk).update(checkin_reminders=1)
    page = client.get(checkin_url(pledge)).content.decode()
    assert f"We, {pledge.name}, still stand by our pledge" in page
    assert page.count('name="csrfmiddlewaretoken"') == 1
    response = client.post(checkin_url(pledge), answers(pledge, stand_by="on"), follow=True)
    pledge.refresh_from_db()
    assert timezone.now() - pledge.affirmed_at < timedelta(minutes=1)
    assert pledge.checkin_reminders == 0
    until = timezone.localtime(pledge.affirmed_at + checkins.YEAR)
    assert f"Thank you: your pledge is affirmed until {until:%-d %B %Y}." in (
        response.content.decode()
    )
    assert pledge.events.filter(action=PledgeEvent.Action.AFFIRMED).count() == 1
    assert not ProposedChange.objects.exists()
    again = client.post(checkin_url(pledge), answers(pledge, stand_by="on"), follow=True)
    assert "You had already checked in today" in again.content.decode()
    assert pledge.events.filter(action=PledgeEvent.Action.AFFIRMED).count() == 1


def test_not_ticking_the_box_keeps_everything_and_says_why(client):
    pledge = affirmed(340)
    response = client.post(checkin_url(pledge), answers(pledge, commits_jobs="on"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick the box to say that your organisation still stands by its pledge" in html
    assert 'name="commits_jobs" class="form-check-input" id="id_commits_jobs" checked' in html
    assert Pledge.objects.get().affirmed_at == pledge.affirmed_at


def test_no_commitment_at_all_is_refused_beside_the_question(client):
    pledge = affirmed(340)
    data = {"stand_by": "on", "impact-year": str(years.open_years()[0])}
    html = client.post(checkin_url(pledge), data).content.decode()
    assert 'id="id_commits_local_spend_error"' in html
    assert Pledge.objects.get().affirmed_at == pledge.affirmed_at


def test_a_change_of_commitments_is_held_for_review(client):
    pledge = affirmed(340)  # commits to local spend only
    data = answers(pledge, stand_by="on", commits_jobs="on")
    response = client.post(checkin_url(pledge), data, follow=True)
    assert "Our team will check the change to your entry" in response.content.decode()
    change = ProposedChange.objects.get()
    assert change.values == {"commits_jobs": True}
    pledge.refresh_from_db()
    assert not pledge.commits_jobs  # the public entry stays as approved
    assert timezone.now() - pledge.affirmed_at < timedelta(minutes=1)


def test_a_change_already_waiting_keeps_its_other_fields(client):
    pledge = affirmed(340)
    ProposedChange.objects.create(pledge=pledge, values={"statement": "New words."})
    data = answers(pledge, stand_by="on", commits_environment="on")
    client.post(checkin_url(pledge), data)
    change = ProposedChange.objects.get(status="open")
    assert change.values == {"statement": "New words.", "commits_environment": True}


def test_a_lapsed_organisation_checks_in_and_is_listed_again_at_once(client, send_queued):
    pledge = affirmed(500, name="Back Again")
    run()
    pledge.refresh_from_db()
    assert pledge.status == S.LAPSED
    mail.outbox.clear()
    page = client.get(checkin_url(pledge)).content.decode()
    assert "Your pledge lapsed on" in page
    done = client.post(checkin_url(pledge), answers(pledge, stand_by="on"), follow=True)
    assert "It is listed on the signatory wall again." in done.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == S.APPROVED and pledge.lapsed_at is None
    assert checkins.standing(pledge) == checkins.Standing.CURRENT
    assert "Back Again" in client.get("/signatories/").content.decode()
    assert queued("relisted") == [pledge.pk]


def test_a_pending_pledge_has_nothing_to_check_in(client, pending):
    token = make_manage_token(pending)  # made once: a link made a second later differs
    response = client.get(f"/pledge/manage/{token}/check-in/")
    assert response.status_code == 302
    assert response["Location"] == f"/pledge/manage/{token}/"


@pytest.mark.parametrize("token", ["nonsense", "a" * 300])
def test_a_broken_link_says_so(client, token):
    response = client.get(f"/pledge/manage/{token}/check-in/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_a_withdrawn_pledge_s_link_says_it_was_withdrawn(client, approved):
    url = checkin_url(approved)
    approved.withdraw()
    response = client.get(url)
    assert response.status_code == 410


def test_the_manage_page_offers_the_check_in(client):
    pledge = affirmed(100)
    page = client.get(f"/pledge/manage/{make_manage_token(pledge)}/").content.decode()
    assert "Your yearly check-in" in page
    assert re.search(r'href="/pledge/manage/[^"/]+/check-in/"', page)


@pytest.mark.parametrize(
    "days, says, never",
    [
        (10, "Affirmed ", "Check-in due"),
        (370, "Check-in due", "Pledge lapsed"),
        (500, "Pledge lapsed", "We’re Backing"),
    ],
)
def test_the_badge_says_where_the_pledge_stands_now(client, days, says, never):
    pledge = affirmed(days)
    run()
    response = client.get(pledge.get_badge_url())
    svg = response.content.decode()
    assert response.status_code == 200 and says in svg and never not in svg
    assert "max-age=300" in response["Cache-Control"]
    again = client.get(pledge.get_badge_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_badge_changes_when_the_pledge_lapses(client):
    pledge = affirmed(500)
    before = client.get(pledge.get_badge_url())
    assert "We’re Backing" in before.content.decode()
    run()
    after = client.get(pledge.get_badge_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Pledge lapsed" in after.content.decode()


def test_the_public_history_tells_the_story_and_nothing_private(client, pending, moderator):
    pending.approve(by=moderator)
    pending.events.create(
        action=PledgeEvent.Action.UPDATED,
        from_status=S.APPROVED,
        to_status=S.APPROVED,
        note="Private moderator note about secret things",
    )
    ProposedChange.objects.create(
        pledge=pending,
        values={"commits_jobs": True, "statement": "New words."},
        before={"commits_jobs": False, "statement": "Old."},
        status=ProposedChange.Status.APPROVED,
        decided_at=timezone.now(),
    )
    Pledge.objects.filter(pk=pending.pk).update(affirmed_at=timezone.now() - 300 * DAY)
    client.post(checkin_url(pending), answers(pending, stand_by="on"))
    client.post(checkin_url(pending), answers(pending, stand_by="on"))  # sent twice
    page = client.get(pending.get_absolute_url()).content.decode()
    history = re.search(r'<ol class="pledge-history">(.*?)</ol>', page, re.S).group(1)
    steps = re.findall(r"</time> (.*?)</li>", history)
    assert steps == [
        "Signed the pledge.",
        "Approved by our team and listed.",
        f"Added a commitment: {THEME['jobs'].commitment}.",
        "Updated its statement.",
        "Checked in and stood by the pledge for another year.",
    ]
    for private in ("secret", pending.email, pending.contact_name, "moderator"):
        assert private not in history


def test_checking_in_can_report_the_year_s_impact_at_once(client):
    pledge = affirmed(340)  # commits to local spend: its figures are asked
    data = answers(
        pledge,
        stand_by="on",
        **{"impact-total_spend": "200000", "impact-lancashire_spend": "90000"},
    )
    done = client.post(checkin_url(pledge), data, follow=True)
    (report,) = pledge.returns.all()
    assert f"Your figures for {years.label(report.year)} are saved." in done.content.decode()
    assert (report.year, report.total_spend, report.lancashire_spend) == (
        years.open_years()[0],
        200000,
        90000,
    )
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert f"Reported its impact for {years.label(report.year)}." in page


def test_a_bad_figure_keeps_the_check_in_and_the_figures_back_and_says_why(client):
    pledge = affirmed(340)
    data = answers(
        pledge, stand_by="on", **{"impact-total_spend": "1000", "impact-lancashire_spend": "5000"}
    )
    response = client.post(checkin_url(pledge), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="impact-lancashire_spend"' in html and 'value="5000"' in html
    assert html.count('class="error-summary"') == 1  # one summary for the page
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert "cannot be more than" in summary and "#id_impact-lancashire_spend" in summary
    assert html.startswith("<!doctype html>") and "<title>Error: Check in" in html
    assert not pledge.returns.exists()
    assert Pledge.objects.get().affirmed_at == pledge.affirmed_at  # nothing half-saved


def test_the_check_in_dates_are_set_by_the_check_ins_alone_not_in_the_admin(mod_client):
    pledge = affirmed(500)
    response, errors = admin_edit(
        mod_client, pledge, affirmed_at_0="2026-11-01", affirmed_at_1="09:00", lapsed_at_0=""
    )
    assert response.status_code == 302, errors
    page = mod_client.get(f"/admin/pledges/pledge/{pledge.pk}/change/").content.decode()
    assert "Last affirmed" in page and 'name="affirmed_at' not in page
    assert Pledge.objects.get().affirmed_at == pledge.affirmed_at


def test_a_reminder_that_cannot_be_sent_never_leads_to_a_lapse(clock, send_queued, settings):
    # Its address has had the most emails a day allows (a stranger asking for links).
    pledge = affirmed(500, reminded=False)
    for _ in range(settings.EMAIL_PER_ADDRESS_DAILY):
        SentEmail.objects.create(
            recipient=recipient_digest(pledge.email), kind="manage", at=timezone.now()
        )
    run()
    send_queued()
    assert mail.outbox == []
    # Not queued again the same day: once a day at most.
    assert run() == "Sent 0 first reminders and 0 second reminders; lapsed 0 pledges."
    clock(60 * DAY)
    assert run() == "Sent 0 first reminders and 1 second reminder; lapsed 0 pledges."
    pledge.refresh_from_db()
    assert checkins.standing(pledge) == checkins.Standing.DUE  # listed, marked due
    # Tried again a day later, once its address has room again: it goes, and only then
    # does the fortnight's notice start.
    SentEmail.objects.all().delete()
    send_queued()
    assert len(mail.outbox) == 1
    clock(checkins.NOTICE + DAY)
    assert run().endswith("lapsed 1 pledge.")


def test_a_lapsed_pledge_s_page_offers_its_report_link(client):
    pledge = affirmed(500)
    run()
    assert client.get(f"{pledge.get_absolute_url()}report/").status_code == 200
