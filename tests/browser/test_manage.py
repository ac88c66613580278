from playwright.sync_api import expect

from pledges.models import Pledge
from pledges.themes import THEMES
from pledges.tokens import make_manage_token
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge


def test_the_manage_form_asks_as_the_sign_up_form_does(site, page):
    pledge = make_pledge(status=Pledge.Status.APPROVED, commits_living_wage=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + f"/pledge/manage/{make_manage_token(pledge)}/")
    # Size as radio buttons, the one chosen ticked.
    expect(page.get_by_role("radio", name="Micro (0–9 employees)")).to_be_checked()
    for theme in THEMES:
        page.get_by_label(f"We commit to {theme.commitment}").uncheck()
    page.get_by_role("button", name="Save changes").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    # The error is the group's: beside its legend, and no box of it is marked wrong.
    group = page.locator("fieldset#commitments")
    expect(group).to_have_class("commitments commitments--error")
    expect(group.locator(".error-message")).to_contain_text("Tick at least one")
    expect(page.locator("#commitments .is-invalid")).to_have_count(0)
    summary.get_by_role("link", name="Tick at least one of the five commitments").click()
    assert group.evaluate("el => el === document.activeElement")
    assert group.locator("legend").evaluate("el => el.getBoundingClientRect().top") >= 0
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"manage-no-commitment-{width}")
        assert_accessible(page)


def test_a_link_from_before_an_address_change_says_why_it_stopped(site, page):
    pledge = make_pledge(status=Pledge.Status.APPROVED)
    token = make_manage_token(pledge)
    Pledge.objects.filter(pk=pledge.pk).update(email="new@example.org")
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + f"/pledge/manage/{token}/")
    expect(page.locator("h1")).to_have_text(
        "This link stopped working when the email address changed"
    )
    screenshot(page, "manage-link-address-changed-375")
    assert_accessible(page)
