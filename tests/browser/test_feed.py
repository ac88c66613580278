"""The Atom feed as a browser shows it: each name a link to its page, dates in words,
and a link to the wall; axe finds nothing; at 375 and 1280 px."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import ARTIFACTS, assert_accessible
from tests.factories import make_pledge

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("width", "name"), [(375, "phone"), (1280, "desktop")])
def test_a_browser_shows_names_as_links_and_dates_in_words(site, page, width, name):
    pledge = make_pledge(status=Pledge.Status.APPROVED, name="Alpha Bakery")
    Pledge.objects.filter(pk=pledge.pk).update(
        approved_at=datetime(2026, 11, 30, 15, 30, tzinfo=LONDON)
    )
    styles = []
    page.on("response", lambda r: r.url.endswith(".css") and styles.append(r))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/signatories/feed/")
    # Playwright's role queries see only HTML documents: the feed is XML.
    link = page.locator("entry > .name > a")
    expect(link).to_have_text("Alpha Bakery")
    expect(link).to_be_visible()
    entry = page.locator("entry")
    expect(entry).to_contain_text("Listed 30 November 2026")
    expect(page.locator("entry > title")).to_be_hidden()
    expect(page.locator("entry > updated")).to_be_hidden()
    (css,) = styles
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    page.screenshot(path=ARTIFACTS / f"feed-{name}.png")  # full_page never settles on XML
    assert_accessible(page)
    link.click()
    expect(page).to_have_url(f"{site}/signatories/{pledge.slug}/")


def test_the_introduction_links_to_the_wall_by_newest(site, page):
    page.goto(site + "/signatories/feed/")
    page.locator(".intro a", has_text="the signatory wall").click()
    expect(page).to_have_url(f"{site}/signatories/?sort=newest")
    expect(page.locator("h1")).to_contain_text("Signatories")
