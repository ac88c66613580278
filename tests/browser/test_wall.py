from django.core.management import call_command
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import ARTIFACTS, assert_accessible, screenshot


def test_the_wall_with_200_signatories(site, page, console_errors):
    call_command("seed_signatories", 200, verbosity=0)
    for width, name in ((375, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + "/signatories/")
        expect(page.locator(".wall-count")).to_have_text("Showing 1–48 of 200 signatories")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"wall-{name}")
        assert_accessible(page)
    assert console_errors == []


def test_a_map_tile_filters_the_wall(site, page):
    call_command("seed_signatories", 200, verbosity=0)
    pendle = Pledge.objects.public().filter(district="pendle").count()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/signatories/")
    page.locator(".tile-map a[href$='district=pendle']").click()
    expect(page).to_have_url(site + "/signatories/?district=pendle")
    expect(page.locator(".wall-count")).to_contain_text(f"of {pendle} signator")
    expect(page.locator("#id_district")).to_have_value("pendle")
    assert_accessible(page)


def test_the_map_can_be_used_by_keyboard(site, page):
    call_command("seed_signatories", 50, verbosity=0)
    page.goto(site + "/signatories/")
    tile = page.locator(".tile-map a").first
    tile.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/signatories/?district=lancaster")


def test_a_signatory_page_and_its_certificate(site, page):
    call_command("seed_signatories", 5, verbosity=0)
    pledge = Pledge.objects.public().order_by("name").first()
    for width, name in ((375, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + pledge.get_absolute_url())
        expect(page.locator("h1")).to_have_text(pledge.name)
        screenshot(page, f"signatory-{name}")
        assert_accessible(page)
        page.goto(site + pledge.get_absolute_url() + "certificate/")
        expect(page.locator("h1")).to_have_text("Certificate of pledge")
        screenshot(page, f"certificate-{name}")
        assert_accessible(page)
    # Printed (here, to PDF by Chromium itself) the certificate fills exactly one A4 page.
    pdf = page.pdf(path=str(ARTIFACTS / "certificate.pdf"), prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
