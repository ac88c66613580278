import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot

PAGES = [
    "/",
    "/about/",
    "/social-value/",
    "/spend/",
    "/get-involved/",
    "/privacy/",
    "/accessibility/",
    "/no-such-page/",
]
WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_looks_right_and_has_no_axe_violations(site, page, console_errors, path, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    response = page.goto(site + path)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    assert page.locator("h1").count() == 1
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    name = path.strip("/").replace("/", "-") or "home"
    screenshot(page, f"{name}-{width}")
    assert_accessible(page)
    if path == "/no-such-page/":  # the browser reports the page's own 404 status
        console_errors = [e for e in console_errors if "status of 404" not in e]
    assert console_errors == []


def test_axe_finds_violations_on_a_broken_page(page):
    page.set_content(
        '<html><body><img src="x.png"><input type="text"><a href="#"></a></body></html>'
    )
    result = Axe().run(page)
    ids = {violation["id"] for violation in result.response["violations"]}
    assert {"image-alt", "label"} <= ids


def test_keyboard_user_can_skip_to_the_content(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/spend/")
    assert page.locator("svg .spend-chart__bar").count() == 1  # the yearly total; not the one-off
    page.get_by_role("link", name="About", exact=True).click()
    expect(page.locator("h1")).to_have_text("About Backing Lancashire")
    context.close()


def test_the_css_loads_and_styles_the_header(site, page, console_errors):
    page.goto(site + "/")
    colour = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(11, 37, 69)"
    assert console_errors == []
