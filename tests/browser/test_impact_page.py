"""The impact page and the return page, in a real browser: readable at phone and desktop
widths, no sideways scrolling, and no axe violations."""

import random

import pytest
from playwright.sync_api import expect

from impact import years
from impact.models import ImpactReturn
from impact.seed import seed_returns
from pledges.models import Pledge
from pledges.tokens import make_manage_token
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge

ALL = {
    f"commits_{t}": True
    for t in ("local_spend", "living_wage", "jobs", "volunteering", "environment")
}
WIDTHS = [375, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_impact_page_shows_each_year_with_charts_and_tables(site, page, console_errors, width):
    pledges = [make_pledge(status=Pledge.Status.APPROVED, **ALL) for _ in range(12)]
    seed_returns(Pledge.objects.filter(pk__in=[p.pk for p in pledges]), random.Random(3))  # noqa: S311 - demo data
    assert ImpactReturn.objects.exists()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/impact/")
    expect(page.locator("h1")).to_have_text("Impact")
    expect(page.get_by_text("These figures are self-reported.")).to_be_visible()
    latest = ImpactReturn.objects.order_by("-year").first().year
    expect(page.locator(f"#year-{latest}")).to_have_text(years.label(latest))
    assert page.locator("figure.impact-chart svg").count() >= 2
    assert page.locator("table.impact-table").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Each table fits its column too: nothing to scroll sideways to read a heading.
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.impact-table')]"
        ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
    )
    assert overflowing == 0
    screenshot(page, f"impact-{width}")
    assert_accessible(page)
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_return_page_asks_and_explains_each_figure(site, page, console_errors, width):
    pledge = make_pledge(status=Pledge.Status.APPROVED, **ALL)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + f"/pledge/manage/{make_manage_token(pledge)}/impact/")
    expect(page.locator("h1")).to_have_text("Report your impact")
    page.get_by_label("People employed (optional)").fill("10")
    page.get_by_label("Of them, paid at least the real Living Wage (optional)").fill("12")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"impact-return-error-{width}")
    assert_accessible(page)
    page.get_by_label("Of them, paid at least the real Living Wage (optional)").fill("10")
    page.get_by_label("Staff volunteering hours in Lancashire (optional)").fill("1,200")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.get_by_text("Your figures for")).to_be_visible()
    assert ImpactReturn.objects.get().volunteering_hours == 1200
    screenshot(page, f"impact-return-saved-{width}")
    assert_accessible(page)
    assert console_errors == []
