"""The yearly check-in in a real browser, on a phone: the reminder's link, a mistake, the
check-in with the year's figures, and those figures on the signatory's page and the
impact page; then the wall's standing filter and a lapsed signatory's page. axe finds
nothing on any of them."""

import io
import re
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from impact.models import ImpactReturn
from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge


def affirmed(days_ago, **fields):
    pledge = make_pledge(status=Pledge.Status.APPROVED, **fields)
    moment = timezone.now() - timedelta(days=days_ago)
    Pledge.objects.filter(pk=pledge.pk).update(affirmed_at=moment, approved_at=moment)
    if days_ago > 351:  # reminded when the second reminder fell due, as a daily run does
        Pledge.objects.filter(pk=pledge.pk).update(
            checkin_reminders=2, reminded_at=moment + timedelta(days=351)
        )
    pledge.refresh_from_db()
    return pledge


def test_a_reminder_leads_to_a_check_in_with_the_year_s_figures(
    site, page, send_queued, console_errors
):
    pledge = affirmed(
        340, name="Pendle Pantry", commits_local_spend=True, commits_volunteering=True
    )
    call_command("run_checkins", verbosity=0, stdout=io.StringIO())
    send_queued()
    (reminder,) = [m for m in mail.outbox if m.to == [pledge.email]]
    path = re.search(r"https?://[^/\s]+(/pledge/manage/\S+/check-in/)", reminder.body).group(1)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + path)
    expect(page.locator("h1")).to_have_text("Check in: Pendle Pantry")
    screenshot(page, "checkin-phone")
    assert_accessible(page)

    # A mistake: the box left unticked, and a part larger than its whole.
    page.get_by_label("Staff volunteering hours in Lancashire (optional)").fill("250")
    page.locator('[name="impact-total_spend"]').fill("1000")
    page.locator('[name="impact-lancashire_spend"]').fill("5000")
    page.get_by_role("button", name="Check in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("still stands by its pledge")
    expect(summary).to_contain_text("cannot be more than")
    expect(page.get_by_label("Staff volunteering hours in Lancashire (optional)")).to_have_value(
        "250"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "checkin-phone-error")
    assert_accessible(page)

    page.locator('[name="impact-lancashire_spend"]').fill("600")
    page.get_by_label("We, Pendle Pantry, still stand by our pledge").check()
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".messages")).to_contain_text("Thank you: your pledge is affirmed until")
    assert_accessible(page)
    pledge.refresh_from_db()
    assert timezone.now() - pledge.affirmed_at < timedelta(minutes=5)
    assert ImpactReturn.objects.get(pledge=pledge).volunteering_hours == 250

    page.goto(site + pledge.get_absolute_url())
    expect(page.locator(".standing-line")).to_contain_text(f"Affirmed {timezone.localtime():%B %Y}")
    expect(page.locator(".pledge-history")).to_contain_text("Checked in and stood by the pledge")
    expect(page.locator(".impact-figures")).to_contain_text("250")
    screenshot(page, "checkin-signatory-phone")
    assert_accessible(page)

    page.goto(site + "/impact/")
    expect(page.locator("main")).to_contain_text("250")
    assert_accessible(page)
    assert console_errors == []


def test_the_wall_s_standing_filter_and_a_lapsed_signatory_s_page(site, page):
    affirmed(30, name="Current Cafe")
    affirmed(370, name="Due Dairy")
    lapsed = affirmed(420, name="Lapsed Laundry")
    call_command("run_checkins", verbosity=0, stdout=io.StringIO())
    for width, name in ((375, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/signatories/")
        cards = page.locator(".signatory")
        expect(cards).to_have_count(2)
        expect(page.locator(".signatory__meta strong")).to_have_text("Check-in due")
        screenshot(page, f"wall-standing-{name}")
        assert_accessible(page)
        page.goto(site + "/signatories/?standing=lapsed")
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("Lapsed Laundry")
        page.goto(site + lapsed.get_absolute_url())
        expect(page.locator(".standing-notice--lapsed")).to_contain_text(
            "This organisation’s pledge lapsed on"
        )
        expect(page.locator("#badge")).to_have_count(0)  # no badge to embed
        screenshot(page, f"signatory-lapsed-{name}")
        assert_accessible(page)
