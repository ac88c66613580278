"""The pledge's change page in the admin, as a moderator sees it at a laptop's width."""

from django.core.files.base import ContentFile
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_admin_preview import sign_in
from tests.factories import image_bytes, make_pledge


def test_the_change_page_shows_the_logo_and_phone_as_staff_know_them(site, page, moderator):
    pledge = make_pledge(status=Pledge.Status.PENDING, phone="+441706123456")
    pledge.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, moderator)
    page.goto(site + f"/admin/pledges/pledge/{pledge.pk}/change/")
    # The phone number as the rest of the site writes it.
    expect(page.get_by_label("Phone")).to_have_value("01706 123456")
    # The logo now, and the whole of the control to change it, inside the window.
    logo = page.locator(".field-logo")
    thumbnail = logo.get_by_role("img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    chooser = logo.locator("input[type=file]")
    chooser.scroll_into_view_if_needed()
    assert chooser.evaluate("el => el.getBoundingClientRect().right") <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "admin-pledge-change-1280")
    assert_accessible(page)
