"""A moderator's admin in a real browser: the queue, a pending pledge and its preview."""

from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD
from tests.factories import make_pledge

LOOK = [
    "fontFamily", "fontSize", "fontWeight", "textTransform", "letterSpacing",
    "backgroundColor", "color", "borderRadius", "paddingTop", "paddingLeft", "lineHeight",
]  # fmt: skip


def look(locator):
    return locator.evaluate(
        "(el, names) => { const s = getComputedStyle(el);"
        " return [Math.round(el.getBoundingClientRect().height), names.map(n => s[n])]; }",
        LOOK,
    )


def checked(page, console_errors):
    """No error on the page (not even a missing image), then no accessibility violation.
    The CSP blocks some of axe's own workings, so what the browser reports after axe runs
    is not the page's."""
    assert console_errors == []
    assert_accessible(page)
    page.wait_for_timeout(200)
    console_errors.clear()


def sign_in(page, site, user):
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_moderator_previews_a_pending_pledge(site, page, moderator, console_errors):
    pledge = make_pledge(
        status=Pledge.Status.PENDING,
        name="Bacup Bakery & Sons",
        statement="We bake with flour milled in Lancashire, and train two apprentices a year.",
        website="https://bacup-bakery.example",
        commits_living_wage=True,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, moderator)
    page.get_by_role("link", name="Open the queue").click()
    row = page.locator("#result_list tbody tr").first
    expect(row.locator(".field-statement_excerpt")).to_contain_text("We bake with flour")
    expect(row.locator(".field-website_shown")).to_have_text("https://bacup-bakery.example")
    screenshot(page, "admin-queue-1280")
    checked(page, console_errors)

    page.get_by_role("link", name=pledge.name).click()
    tools = page.locator(".object-tools")
    approve = tools.get_by_role("button", name="Approve")
    reject = tools.get_by_role("link", name="Reject…")
    assert look(approve) == look(reject)  # Approve looks like the tools beside it
    expect(tools.get_by_role("link", name="Withdraw…")).to_have_count(0)
    screenshot(page, "admin-pending-pledge-1280")
    checked(page, console_errors)

    tools.get_by_role("link", name="History").click()
    expect(page.locator("#events-group")).to_be_in_viewport()

    tools.get_by_role("link", name="Preview").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview: not public.")
    expect(page.locator("h1")).to_have_text("Bacup Bakery & Sons")
    expect(page.locator(".signatory")).to_contain_text("Bacup Bakery & Sons")
    badge = page.locator("#badge + p img")
    assert badge.evaluate("img => img.complete && img.naturalWidth") == 240  # it loaded
    screenshot(page, "admin-preview-1280")
    checked(page, console_errors)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "admin-preview-375")
    checked(page, console_errors)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="Back to the pledge in the admin").click()
    expect(page).to_have_url(f"{site}/admin/pledges/pledge/{pledge.pk}/change/")


def test_the_queue_fits_a_1280_px_screen_for_a_superuser(
    site, page, django_user_model, console_errors
):
    """A superuser sees every model in the navigation column: the queue, with its
    statement and website columns, still fits beside the filters without scrolling."""
    boss = django_user_model.objects.create_superuser("boss", "boss@opcc.example", PASSWORD)
    for n in range(3):
        make_pledge(
            status=Pledge.Status.PENDING,
            name=f"Ribble Valley Bakery and Confectioners {n} Ltd",
            statement="We bake with flour milled in Lancashire, and train apprentices. " * 3,
            website="https://www.ribble-valley-bakery-and-confectioners.example/our-pledge",
            district="blackburn-with-darwen",
            sector="manufacturing",
            size="large",
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, boss)
    for query in ("", "?status=all"):
        page.goto(f"{site}/admin/pledges/pledge/{query}")
        expect(page.locator("#result_list tbody tr")).to_have_count(3)
        results = page.locator("#changelist .results")
        width, scroll = results.evaluate("e => [e.clientWidth, e.scrollWidth]")
        assert scroll <= width, f"the queue scrolls sideways: {scroll} px in {width} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        row = page.locator("#result_list tbody tr").first
        expect(row.locator(".field-about")).to_contain_text("Blackburn with Darwen")
        expect(row.locator(".field-about")).to_contain_text("Large (250 or more employees)")
    screenshot(page, "admin-queue-superuser-1280")
    checked(page, console_errors)
