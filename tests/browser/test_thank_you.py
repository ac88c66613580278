"""The thank-you page after confirming: its copy button copies the sign-up page's
address, as its words say; at 375 and 1280 px, with axe."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from pledges.models import Pledge
from pledges.tokens import make_token
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge


@pytest.mark.parametrize(("width", "name"), [(375, "phone"), (1280, "desktop")])
def test_the_copy_button_copies_the_sign_up_page(site, page, console_errors, width, name):
    pledge = make_pledge(status=Pledge.Status.UNVERIFIED, name="Pendle Widgets Ltd")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/pledge/verify/{make_token(pledge)}/")
    page.get_by_role("button", name="Confirm our pledge").click()
    expect(page.locator("h1")).to_have_text("Thank you for signing")
    copy = page.get_by_role("link", name="Copy the link to the sign-up page")
    expect(copy).to_be_visible()
    screenshot(page, f"thank-you-{name}")
    assert_accessible(page)
    copy.click()
    expect(page.locator(".share .copy-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == settings.SITE_URL + "/pledge/"
    assert console_errors == []
