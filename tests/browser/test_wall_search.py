from django.core.management import call_command
from playwright.sync_api import expect

from pledges import views
from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge


def test_searching_any_order_and_more_results_than_are_counted(site, page, monkeypatch):
    call_command("seed_signatories", 200, verbosity=0)
    make_pledge(status=Pledge.Status.APPROVED, name="Bacup Bakery & Sons", district="rossendale")
    monkeypatch.setattr(views, "COUNT_LIMIT", 100)  # the live server runs in this process
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 100)
    for width, name in ((375, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/signatories/")
        expect(page.locator(".wall-count")).to_have_text(
            "Showing 1–48 of more than 100 signatories"
        )
        screenshot(page, f"wall-more-than-{name}")
        assert_accessible(page)
        if not page.locator("#id_q").is_visible():  # on a phone, behind "Filter"
            page.locator(".wall-filters-fold summary").click()
        page.fill("#id_q", "bakery bacup")
        page.get_by_role("button", name="Show signatories").click()
        expect(page.locator(".signatory__name").first).to_contain_text("Bacup Bakery")
        for card in page.locator(".signatory__name").all_inner_texts():
            assert "Bacup" in card and "Bakery" in card, card
        screenshot(page, f"wall-search-{name}")
        assert_accessible(page)
