import re

from django.core import mail
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot


def test_a_person_signs_the_pledge_end_to_end(site, page, console_errors, send_queued):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/")
    page.get_by_role("link", name="Sign the pledge").first.click()
    expect(page.locator("h1")).to_have_text("Sign the pledge")
    assert_accessible(page)

    name = page.get_by_label("Organisation name")
    name.click()
    page.keyboard.type("Pendle Widgets Ltd")
    # The pledge wording shows the organisation's own name as it is typed.
    assert "We Pendle Widgets Ltd support" in page.locator("#pledge-wording").inner_text()
    page.get_by_label("Type of organisation").select_option(label="Business")
    page.get_by_label("Sector").select_option(label="Manufacturing")
    page.get_by_label("Number of employees").select_option(label="Small (10–49 employees)")
    page.get_by_label("District").select_option(label="Pendle")
    page.get_by_label("Postcode").fill("bb9 7aa")
    page.get_by_label("We commit to pay the real Living Wage").check()
    page.get_by_label("We commit to create jobs and apprenticeships").focus()
    page.keyboard.press("Space")
    page.get_by_label("Contact name").fill("Sam Patel")
    page.get_by_label("Job title").fill("Managing Director")
    page.get_by_label("Email address").fill("sam@pendle-widgets")  # a mistake
    page.get_by_label("I am authorised to sign on behalf of this organisation").check()
    page.get_by_label("I agree to our organisation’s name, logo and statement").check()
    page.wait_for_timeout(3100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Sign the pledge").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: ")
    assert summary.evaluate("el => el === document.activeElement")
    link = summary.get_by_role("link", name="Enter an email address in the right form")
    screenshot(page, "sign-with-errors-desktop")
    assert_accessible(page)
    assert not Pledge.objects.exists()
    assert page.get_by_label("Contact name").input_value() == "Sam Patel"

    link.click()
    email = page.get_by_label("Email address")
    assert email.evaluate("el => el === document.activeElement")
    email.fill("sam@pendle-widgets.example")
    page.get_by_role("button", name="Sign the pledge").click()

    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(page)
    send_queued()
    (message,) = mail.outbox
    assert message.to == ["sam@pendle-widgets.example"]
    path = re.search(r"http://127\.0\.0\.1:8000(/pledge/verify/\S+/)", message.body).group(1)

    page.goto(site + path)
    expect(page.locator("h1")).to_have_text("Confirm your pledge")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm our pledge").click()
    expect(page.locator("h1")).to_have_text("Thank you for signing")
    assert "Pendle Widgets Ltd has confirmed its pledge." in page.content()
    screenshot(page, "sign-thank-you-desktop")
    assert_accessible(page)
    assert Pledge.objects.get().status == Pledge.Status.PENDING

    page.goto(site + path)
    expect(page.locator("h1")).to_have_text("You have already confirmed your email")
    assert_accessible(page)
    assert console_errors == []


def test_the_other_pages_of_the_journey_are_accessible(site, page):
    for path, heading in [
        ("/pledge/resend/", "Get a new confirmation link"),
        ("/pledge/verify/not-a-token/", "This link does not work"),
        ("/pledge/check-your-email/", "Check your email"),
    ]:
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(site + path)
            expect(page.locator("h1")).to_have_text(heading)
            name = path.strip("/").replace("/", "-")
            screenshot(page, f"{name}-{width}")
            assert_accessible(page)


def test_the_form_at_phone_width(site, page):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/pledge/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "sign-phone")
    page.get_by_role("button", name="Sign the pledge").click()
    expect(page.locator(".error-summary li")).to_have_count(12)
    screenshot(page, "sign-with-errors-phone")
    assert_accessible(page)
