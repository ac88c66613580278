import re

from django.core import mail
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import image_bytes


def test_a_person_signs_the_pledge_end_to_end(site, page, console_errors, send_queued, postcodes):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/")
    page.get_by_role("link", name="Sign the pledge").first.click()
    expect(page.locator("h1")).to_have_text("Sign the pledge")
    assert_accessible(page)

    name = page.get_by_label("Organisation name")
    name.click()
    page.keyboard.type("Pendle Widgets Ltd")
    # The pledge wording shows the organisation's own name as it is typed.
    assert "We, Pendle Widgets Ltd, support" in page.locator("#pledge-wording").inner_text()
    page.get_by_role("radio", name="Business").check()
    page.get_by_role("combobox", name="Sector").select_option(
        label="Making things (manufacturing, food and drink production)"
    )
    page.get_by_role("radio", name="Small (10–49 employees)").check()
    # No district is asked: it is found from the postcode.
    expect(page.get_by_label("District")).to_have_count(0)
    page.get_by_label("Postcode").fill("bb9 7aa")
    page.get_by_label("Logo (optional)").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}]
    )
    page.get_by_label("Contact name").fill("Sam Patel")
    page.get_by_label("Job title").fill("Managing Director")
    page.get_by_label("Email address").fill("sam@pendle-widgets")  # a mistake
    page.get_by_label("Phone number (optional)").fill("01282 123456")
    page.get_by_label("I am authorised to sign on behalf of this organisation").check()
    page.get_by_label("I agree to our organisation’s name, logo and statement").check()
    page.wait_for_timeout(3100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Continue").click()  # and no commitment ticked

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: ")
    assert summary.evaluate("el => el === document.activeElement")
    # The logo chosen is kept, and shown.
    kept = page.get_by_role("img", name="The logo you chose")
    expect(kept).to_be_visible()
    assert kept.evaluate("img => img.complete && img.naturalWidth > 0")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sign-with-errors-and-kept-logo-{width}")
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Pledge.objects.exists()
    assert page.get_by_label("Contact name").input_value() == "Sam Patel"

    # The commitments' link goes to the group: its legend is in view, not cut off.
    summary.get_by_role("link", name="Tick at least one of the five commitments").click()
    legend = page.locator("#commitments legend")
    assert legend.evaluate("el => el.getBoundingClientRect().top") >= 0
    assert page.locator("#commitments").evaluate("el => el === document.activeElement")
    page.get_by_label("We commit to pay the real Living Wage").check()
    page.get_by_label("We commit to create jobs and apprenticeships").focus()
    page.keyboard.press("Space")

    summary.get_by_role("link", name="Enter an email address in the right form").click()
    email = page.get_by_label("Email address")
    assert email.evaluate("el => el === document.activeElement")
    # Its label shows above it, not scrolled off the top edge.
    label = page.locator("label[for=id_email]")
    assert label.evaluate("el => el.getBoundingClientRect().top") >= 0
    email.fill("sam@pendle-widgets.example")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Check your answers before signing")
    answers = page.locator(".answers").inner_text()
    for shown in [
        "Pendle Widgets Ltd",
        "Business",
        "BB9 7AA",
        "Pendle",
        "01282 123456",
        "We commit to pay the real Living Wage",
        "sam@pendle-widgets.example",
    ]:
        assert shown in answers, shown
    expect(page.get_by_role("img", name="Your logo")).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"check-answers-{width}")
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Change an answer: the form comes back with every answer and the logo kept.
    page.get_by_role("button", name="Change job title").click()
    expect(page.locator("h1")).to_have_text("Sign the pledge")
    assert page.get_by_label("Job title").input_value() == "Managing Director"
    expect(page.get_by_role("img", name="The logo you chose")).to_be_visible()
    page.get_by_label("Job title").fill("Director")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before signing")
    assert "Director" in page.locator(".answers").inner_text()
    page.get_by_role("button", name="Confirm and sign").click()

    expect(page.locator("h1")).to_have_text("Check your email")
    assert "sam@pendle-widgets.example" in page.locator("main").inner_text()
    screenshot(page, "check-your-email-named-1280")
    assert_accessible(page)
    # Back comes to a page, not "Confirm form resubmission": the answers are sent, so the
    # check page's address gives the form.
    page.go_back()
    expect(page.locator("h1")).to_have_text("Sign the pledge")
    page.go_forward()
    expect(page.locator("h1")).to_have_text("Check your email")
    pledge = Pledge.objects.get()
    assert pledge.contact_role == "Director" and pledge.logo
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
    assert "working days" in page.locator("main").inner_text()
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
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary li")).to_have_count(11)
    screenshot(page, "sign-with-errors-phone")
    assert_accessible(page)


def test_changing_a_radio_answer_goes_to_the_chosen_radio(site, page, postcodes):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/pledge/")
    page.get_by_label("Organisation name").fill("Colne Carpets")
    page.get_by_role("radio", name="Charity").check()
    page.get_by_role("combobox", name="Sector").select_option(index=3)
    page.get_by_role("radio", name="Medium (50–249 employees)").check()
    page.get_by_label("Postcode").fill("BB8 0AA")
    page.get_by_label("We commit to pay the real Living Wage").check()
    page.get_by_label("Contact name").fill("Sam Patel")
    page.get_by_label("Job title").fill("Director")
    page.get_by_label("Email address").fill("sam@colne-carpets.example")
    page.get_by_label("I am authorised to sign on behalf of this organisation").check()
    page.get_by_label("I agree to our organisation’s name, logo and statement").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before signing")

    for change, chosen in [
        ("Change type of organisation", "Charity"),
        ("Change number of employees", "Medium (50–249 employees)"),
    ]:
        page.get_by_role("button", name=change).click()
        expect(page.locator("h1")).to_have_text("Sign the pledge")
        radio = page.get_by_role("radio", name=chosen)
        expect(radio).to_be_checked()
        expect(radio).to_be_focused()
        # Its question is in view above it, not scrolled off the top.
        legend = radio.locator("xpath=ancestor::fieldset[1]/legend")
        assert legend.evaluate("el => el.getBoundingClientRect().top") >= 0
        screenshot(page, f"change-{chosen.split()[0].lower()}-375")
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("h1")).to_have_text("Check your answers before signing")


def test_an_unknown_postcode_asks_the_district(site, page, console_errors, postcodes):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/pledge/")
    page.get_by_label("Organisation name").fill("New Estate Bakery")
    page.get_by_role("radio", name="Business").check()
    page.get_by_role("combobox", name="Sector").select_option(index=3)
    page.get_by_role("radio", name="Micro (0–9 employees)").check()
    page.get_by_label("Postcode").fill("PR1 9ZZ")  # well formed, and not in the directory
    page.get_by_label("We commit to pay the real Living Wage").check()
    page.get_by_label("Contact name").fill("Sam Patel")
    page.get_by_label("Job title").fill("Owner")
    page.get_by_label("Email address").fill("sam@new-estate.example")
    page.get_by_label("I am authorised to sign on behalf of this organisation").check()
    page.get_by_label("I agree to our organisation’s name, logo and statement").check()
    page.get_by_role("button", name="Continue").click()

    message = "We cannot find that postcode — check it, or choose your district"
    expect(page.locator(".error-summary li")).to_have_text([message])
    district = page.get_by_label("District")
    expect(district).to_be_visible()
    screenshot(page, "sign-unknown-postcode-375")
    assert_accessible(page)
    district.select_option(label="Chorley")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before signing")
    answers = page.locator(".answers").inner_text()
    assert "PR1 9ZZ" in answers and "Chorley" in answers
    # Chosen, not found: its Change button goes back to the question.
    page.get_by_role("button", name="Change district").click()
    expect(page.get_by_label("District")).to_be_focused()
    expect(page.get_by_label("District")).to_have_value("chorley")
    assert console_errors == []
