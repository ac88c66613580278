import pytest
from playwright.sync_api import expect

from pledges.models import Pledge, Report
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge

WIDTHS = {"phone": 375, "desktop": 1280}


def looks_right(page, width, name):
    assert page.locator("h1").count() == 1
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    screenshot(page, f"{name}-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contact_page_and_footer(site, page, console_errors, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(site + "/contact/")
    main, footer = page.locator("main"), page.locator("footer")
    for box in (main, footer):
        expect(box).to_contain_text("County Hall")
        expect(box).to_contain_text("commissioner@lancashire-pcc.gov.uk")
        expect(box).to_contain_text("01772 533587")
    expect(main.get_by_role("heading", name="Press and media")).to_be_visible()
    looks_right(page, width, "contact")
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_reporting_a_concern_from_a_signatory_page(site, page, console_errors, settings, width):
    settings.PLEDGE_MIN_FILL_SECONDS = 0  # a test types faster than any person
    pledge = make_pledge(
        status=Pledge.Status.APPROVED,
        name="Bacup Bakery & Sons",
        website="https://www.bacup-bakery-and-sons-of-lancashire.example/our-pledge",
        statement="We buy our flour from Lancashire mills.",
    )
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(site + pledge.get_absolute_url())
    expect(page.get_by_role("heading", name="What signing means")).to_be_visible()
    looks_right(page, width, "signatory-trust")

    page.get_by_role("link", name="Report a concern about this listing").click()
    expect(page.locator("h1")).to_have_text("Report a concern about this listing")
    looks_right(page, width, "report")

    page.get_by_role("button", name="Send your report").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choose what is wrong with this listing.")
    expect(summary).to_contain_text("Tell us what is wrong with this listing.")
    expect(page).to_have_title(
        "Error: Report a concern about Bacup Bakery & Sons – Backing Lancashire"
    )
    looks_right(page, width, "report-errors")
    # The summary's link takes the person to the question.
    summary.get_by_role("link", name="Choose what is wrong with this listing.").click()
    expect(page.locator("#id_reason_0")).to_be_focused()
    assert not Report.objects.exists()

    page.get_by_label("The organisation has closed, or changed its name").check()
    page.get_by_label("Tell us more").fill("It closed last year.")
    page.get_by_role("button", name="Send your report").click()
    expect(page.locator("h1")).to_have_text("Thank you for telling us")
    looks_right(page, width, "report-sent")
    report = Report.objects.get()
    assert (report.pledge_id, report.reason, report.details) == (
        pledge.pk,
        "closed",
        "It closed last year.",
    )
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_what_signing_means_on_the_sign_up_page_and_the_certificate(
    site, page, console_errors, width
):
    pledge = make_pledge(status=Pledge.Status.APPROVED)
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(site + "/pledge/")
    expect(page.locator(".signing-means")).to_contain_text("not an endorsement")
    looks_right(page, width, "sign-trust")
    page.goto(site + f"/signatories/{pledge.slug}/certificate/")
    expect(page.locator(".signing-means")).to_contain_text("no advantage in tenders")
    looks_right(page, width, "certificate-trust")
    assert console_errors == []
