"""The header on a phone: small, with the navigation behind a menu that needs no script."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot


def header_height(page):
    return page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")


def test_on_a_phone_the_navigation_folds_behind_a_menu(site, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/about/")
    menu = page.get_by_role("navigation", name="Main")
    toggle = menu.locator("summary")
    expect(toggle).to_have_text("Menu")
    expect(menu.get_by_role("link", name="Signatories")).to_be_hidden()
    screenshot(page, "header-closed-375")
    height = header_height(page)
    print(f"header at 375 px: {height} px")
    assert height <= 120
    assert_accessible(page)

    toggle.focus()
    outline = toggle.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"  # the site's focus ring, as on every control
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Signatories")).to_be_visible()
    expect(menu.get_by_role("link", name="About")).to_have_attribute("aria-current", "page")
    screenshot(page, "header-open-375")
    assert_accessible(page)

    # Escape closes it and hands focus back to its button; Enter opens it again.
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Signatories")).to_be_hidden()
    assert toggle.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")

    menu.get_by_role("link", name="Signatories").click()
    expect(page.locator("h1")).to_have_text("Signatories")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_menu_opens_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site + "/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Spend")).to_be_hidden()
    menu.get_by_text("Menu").click()
    menu.get_by_role("link", name="Spend").click()
    expect(page.locator("h1")).to_have_text("Spend statistics")
    context.close()


def test_on_a_desktop_the_navigation_shows_as_a_row(site, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + "/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.locator("summary")).to_be_hidden()
    links = menu.get_by_role("link")
    expect(links).to_have_count(9)  # Home … Signatories, Find a supplier, Impact, … Sign
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all())}
    assert len(tops) == 1, "the links sit on one row"
    screenshot(page, "header-1280")
    assert_accessible(page)
