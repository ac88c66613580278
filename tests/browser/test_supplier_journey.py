"""Finding a supplier in a real browser: a buyer on a phone searches near a postcode,
narrows the results, opens a supplier and downloads the list; a mistyped postcode is
said so beside its box; the search works by keyboard alone and without JavaScript; and
axe finds nothing on the supplier pages or on the forms that ask what an organisation
supplies. No page scrolls sideways at 375 or 1280 px."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from pledges.tokens import make_manage_token
from tests.browser.conftest import ARTIFACTS, assert_accessible, screenshot
from tests.factories import make_pledge

WIDTHS = (375, 1280)
BUYER = "PR1 2AB"  # Preston: each supplier's distance from it, to the nearest mile, below
CATERING = "55000000"
PRINTING = "22000000"
# The catering suppliers within 10 miles of BUYER, nearest first, with their distances:
# from BUYER to the centre of each one's postcode sector (PR1 1: 0.37 miles; PR1 5: 1.12;
# PR1 9: 1.35; PR1 0: 1.37), not to its postcode.
NEAREST_CATERERS = [
    ("Preston Buffets", "less than a mile"),
    ("Ribble Sandwiches", "1 mile"),
    ("Hutton Hog Roasts", "1 mile"),
    ("Penwortham Kitchen", "1 mile"),
]
FOCUS_YELLOW = "rgb(255, 221, 0)"


def supplier(name, postcode, district, **fields):
    return make_pledge(
        status=Pledge.Status.APPROVED,
        name=name,
        postcode=postcode,
        district=district,
        **fields,
    )


@pytest.fixture
def suppliers(postcodes):
    """Approved signatories around Preston, and a few that a catering search near BUYER
    must leave out: too far, not caterers, or not approved."""
    supplier(
        "Preston Buffets",
        "PR1 1AB",
        "preston",
        categories=[CATERING],
        supplies="Buffets and hot meals for meetings and events across Preston",
        sells_to_public_sector=True,
        sells_to_businesses=True,
        living_wage_accredited=True,
        commits_living_wage=True,
        website="https://preston-buffets.example",
    )
    # A food business that says "catering" only in its line, not in its categories.
    supplier(
        "Ribble Sandwiches",
        "PR1 5BB",
        "preston",
        categories=["15000000"],
        supplies="Sandwich platters and catering for office meetings",
        sells_to_businesses=True,
        sells_to_public=True,
    )
    supplier(
        "Penwortham Kitchen",
        "PR1 0AD",
        "south-ribble",
        organisation_type="social-enterprise",
        categories=[CATERING, "80000000"],
        supplies="Staff canteens and training for young cooks",
        sells_to_public_sector=True,
        commits_jobs=True,
    )
    supplier(
        "Hutton Hog Roasts",
        "PR1 9XG",
        "south-ribble",
        categories=[CATERING],
        supplies="Hog roasts for weddings and village fêtes",
        sells_to_public=True,
    )
    supplier(
        "Clitheroe Catering Company",
        "BB7 2AA",
        "ribble-valley",
        categories=[CATERING],
        sells_to_public_sector=True,
    )  # 15 miles
    supplier(
        "Blackpool Banqueting",
        "FY4 4AA",
        "blackpool",
        categories=[CATERING],
        sells_to_public_sector=True,
    )  # 13 miles
    supplier(
        "Preston Print Works",
        "PR1 3PS",
        "preston",
        categories=[PRINTING],
        supplies="Leaflets, reports and banners",
        sells_to_public_sector=True,
    )
    make_pledge(
        status=Pledge.Status.PENDING,
        name="Unchecked Caterers",
        postcode="PR1 2HE",
        categories=[CATERING],
        sells_to_public_sector=True,
    )


def fits(page, width):
    """No sideways scrolling at this width."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{scroll} px wide at {width} px"


def results(page):
    return page.locator(".supplier-results > li")


def names_and_distances(page):
    found = []
    for n in range(results(page).count()):
        result = results(page).nth(n)
        name = result.locator(".supplier__name").inner_text()
        where = result.locator(".supplier__where").inner_text()
        found.append((name, where))
    return found


def at_each_width(page, name):
    """Screenshots at 375 and 1280 px, each checked for sideways scrolling and by axe."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        fits(page, width)
        screenshot(page, f"{name}-{width}")
        assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 900})


def focus_is_visible(page):
    """The focused element shows the site's yellow focus ring."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2"
        f" && s.outlineColor === '{FOCUS_YELLOW}'; }}"
    )


def test_a_buyer_on_a_phone_finds_nearby_caterers(site, page, suppliers, console_errors):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/")
    page.get_by_role("link", name="find a supplier among them").click()
    expect(page.locator("h1")).to_have_text("Find a Lancashire supplier")
    # Before a search, every approved signatory, by name.
    expect(page.locator(".wall-count")).to_have_text("1–7 of 7 suppliers")
    at_each_width(page, "suppliers-empty")

    page.get_by_label("What do you need?").fill("catering")
    page.get_by_label("Near the postcode").fill("pr1 2ab")
    page.get_by_label("Within").select_option(label="10 miles")
    page.get_by_role("button", name="Search").click()

    expect(page.locator(".wall-count")).to_have_text("1–4 of 4 suppliers, nearest first")
    found = names_and_distances(page)
    assert [name for name, _ in found] == [name for name, _ in NEAREST_CATERERS]
    for (_, where), (_, distance) in zip(found, NEAREST_CATERERS, strict=True):
        assert where.startswith(f"{distance} away"), where
    # The answers stay in the form, the postcode as it is written.
    expect(page.get_by_label("What do you need?")).to_have_value("catering")
    expect(page.get_by_label("Near the postcode")).to_have_value(BUYER)
    expect(page.locator(".wall-filtered")).to_contain_text(f"{BUYER}, within 10 miles")
    expect(page.get_by_label("Within")).to_have_value("10")
    # On a phone the first result starts on the first screen, or just below it.
    first = results(page).first.bounding_box()["y"]
    print(f"first result at {first:.0f} px on a 375 px phone")
    assert first < 1000
    at_each_width(page, "suppliers-results")

    # More filters: those that sell to the public sector.
    filters = page.locator("details.supplier-search__more")
    expect(page.get_by_label("Sells to")).to_be_hidden()
    filters.locator("summary").click()
    page.get_by_label("Sells to").select_option(label="The public sector")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"sells=public-sector"))
    expect(page.locator(".wall-count")).to_have_text("1–2 of 2 suppliers, nearest first")
    assert [name for name, _ in names_and_distances(page)] == [
        "Preston Buffets",
        "Penwortham Kitchen",
    ]
    # The filters in use stay open, and say so.
    expect(filters.locator("summary")).to_have_text("More filters (in use)")
    expect(page.get_by_label("Sells to")).to_be_visible()
    at_each_width(page, "suppliers-filtered")

    # A result's own page, with what it supplies, and back to the same results.
    page.get_by_role("link", name="Penwortham Kitchen").click()
    expect(page.locator("h1")).to_have_text("Penwortham Kitchen")
    section = page.locator(".signatory-supplies")
    expect(section.get_by_role("heading", level=2)).to_have_text("What we supply")
    expect(section).to_contain_text("Staff canteens and training for young cooks")
    expect(section.get_by_role("link", name="Hotels, catering and hospitality")).to_be_visible()
    expect(section).to_contain_text("The public sector")
    at_each_width(page, "supplier-signatory")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Find a Lancashire supplier")
    expect(page.locator(".wall-count")).to_have_text("1–2 of 2 suppliers, nearest first")
    expect(page.get_by_label("Sells to")).to_have_value("public-sector")

    # The same list as a spreadsheet. A download fires no response event, so its type is
    # read from the same address asked again.
    link = page.get_by_role("link", name=re.compile(r"^Download these results \(CSV"))
    with page.expect_download() as download_info:
        link.click()
    response = page.request.get(site + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment")
    download = download_info.value
    assert download.suggested_filename == "backing-lancashire-suppliers.csv"
    text = download.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("name,url,website,distance_miles,categories,")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["name"], row["distance_miles"], row["sells_to"]) for row in rows] == [
        ("Preston Buffets", "0", "the public sector; businesses"),
        ("Penwortham Kitchen", "1", "the public sector"),
    ]
    assert all("postcode" not in key and "email" not in key for key in rows[0])
    assert console_errors == []


def test_a_mistyped_postcode_is_said_so_beside_its_box(site, page, suppliers, console_errors):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/suppliers/")
    page.get_by_label("What do you need?").fill("catering")
    page.get_by_label("Near the postcode").fill("PR1 2A")  # a letter short
    page.get_by_label("Within").select_option(label="25 miles")
    page.locator("summary", has_text="More filters").click()
    page.get_by_label("Accredited Living Wage employers only").check()
    page.get_by_role("button", name="Search").click()

    message = "Enter a full postcode, like PR1 2AB."
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert page.title().startswith("Error: ")
    box = page.get_by_label("Near the postcode")
    expect(box).to_have_attribute("aria-invalid", "true")
    # The message is beside the box, and read with it.
    beside = page.locator("#id_near_error")
    expect(beside).to_have_text(f"Error: {message}")
    assert "id_near_error" in box.get_attribute("aria-describedby").split()
    error_box = beside.bounding_box()
    input_box = box.bounding_box()
    assert 0 <= input_box["y"] - (error_box["y"] + error_box["height"]) < 40
    # The other answers are kept; no results are shown for a search that cannot run.
    expect(box).to_have_value("PR1 2A")
    expect(page.get_by_label("What do you need?")).to_have_value("catering")
    expect(page.get_by_label("Within")).to_have_value("25")
    expect(page.get_by_label("Accredited Living Wage employers only")).to_be_checked()
    expect(results(page)).to_have_count(0)
    at_each_width(page, "suppliers-error")

    summary.get_by_role("link", name=message).click()
    expect(box).to_be_focused()
    label = page.locator("label[for=id_near]")
    assert label.evaluate("el => el.getBoundingClientRect().top") >= 0
    box.fill("PR1 2AB")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    assert [name for name, _ in names_and_distances(page)] == ["Preston Buffets"]
    assert console_errors == []


def test_a_keyboard_user_searches_and_fixes_a_mistake(site, page, suppliers):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/suppliers/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    # Through the header's links to the search box, each focus visible on the way.
    for _ in range(40):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    expect(page.get_by_label("What do you need?")).to_be_focused()
    page.keyboard.type("catering")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Near the postcode")).to_be_focused()
    page.keyboard.type("PR1 2AX9")  # a mistake
    page.keyboard.press("Tab")
    expect(page.get_by_label("Within")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Tab")
    more = page.locator("summary", has_text="More filters")
    expect(more).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Sells to")).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Near the postcode")).to_be_focused()
    page.keyboard.press("Enter")  # sends the form

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    link = summary.get_by_role("link")
    expect(link).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    box = page.get_by_label("Near the postcode")
    expect(box).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("PR1 2AB")
    page.keyboard.press("Enter")
    expect(page.locator(".wall-count")).to_contain_text("nearest first")
    # From the search box, Tab reaches the first result's link.
    for _ in range(20):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("document.activeElement.textContent") == "Preston Buffets":
            break
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Preston Buffets")


def test_the_search_works_without_javascript(site, browser, suppliers):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(site + "/suppliers/")
    page.get_by_label("What do you need?").fill("catering")
    page.get_by_label("Near the postcode").fill("PR1 2AB")
    page.locator("summary", has_text="More filters").click()
    page.get_by_label("Type of organisation").select_option(
        label="Voluntary, community or social enterprise (VCSE)"
    )
    page.get_by_role("button", name="Search").click()
    assert [name for name, _ in names_and_distances(page)] == ["Penwortham Kitchen"]
    page.get_by_label("Near the postcode").fill("nowhere")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_near_error")).to_be_visible()
    context.close()


def test_a_category_page(site, page, suppliers, console_errors):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/suppliers/")
    browse = page.locator("section", has=page.get_by_role("heading", name="Browse by category"))
    browse.get_by_role("link", name="Hotels, catering and hospitality").click()
    expect(page).to_have_url(site + f"/suppliers/category/{CATERING}/")
    expect(page.locator("h1")).to_have_text("Hotels, catering and hospitality")
    # Every approved caterer, by name; no category filter to choose on its own page.
    expect(page.locator(".wall-count")).to_have_text("1–5 of 5 suppliers")
    expect(page.get_by_label("Category", exact=True)).to_have_count(0)
    at_each_width(page, "suppliers-category")
    page.get_by_label("Near the postcode").fill("BB7 2AA")
    page.get_by_label("Within").select_option(label="5 miles")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/suppliers/category/{CATERING}/\?"))
    assert [name for name, _ in names_and_distances(page)] == ["Clitheroe Catering Company"]
    assert console_errors == []


def test_the_forms_ask_what_an_organisation_supplies(site, page, postcodes, console_errors):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/pledge/")
    fieldset = page.locator("fieldset", has=page.locator("legend", has_text="What you supply"))
    expect(fieldset.first).to_be_visible()
    expect(page.get_by_role("checkbox", name="Hotels, catering and hospitality")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(45 + 5 + 3 + 1 + 2)
    at_each_width(page, "sign-form-suppliers")
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        fieldset.first.screenshot(path=ARTIFACTS / f"sign-what-you-supply-{width}.png")

    # The categories are one question, in two groups each from A to Z: too many chosen is
    # the group's error, and the summary's link goes to the group with its question in view.
    groups = page.locator("#categories fieldset legend")
    expect(groups).to_have_text(["Goods", "Services and building work"])
    goods = page.locator("#categories fieldset").first.get_by_role("checkbox")
    labels = [goods.nth(n).evaluate("box => box.labels[0].textContent") for n in range(3)]
    assert labels == ["Building materials", "Chemicals", "Clothing, uniforms and footwear"]
    six = [
        "Hotels, catering and hospitality",
        "Food and drink",
        "Education and training",
        "Business services",
        "Transport services",
        "Printed matter",
    ]
    for name in six:
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Continue").click()
    too_many = "Choose up to 5 categories: the ones that describe most of what you supply."
    page.locator(".error-summary").get_by_role("link", name=too_many).click()
    question = page.locator("fieldset#categories")
    expect(question).to_be_focused()
    assert question.locator("legend").first.evaluate("el => el.getBoundingClientRect().top") >= 0
    expect(question.locator(".error-message")).to_have_text(f"Error: {too_many}")
    for name in six:
        expect(page.get_by_role("checkbox", name=name)).to_be_checked()
    page.set_viewport_size({"width": 375, "height": 900})
    fits(page, 375)
    question.screenshot(path=ARTIFACTS / "sign-too-many-categories-375.png")
    assert_accessible(page)

    pledge = supplier(
        "Preston Buffets",
        "PR1 1AB",
        "preston",
        categories=[CATERING, "15000000"],
        supplies="Buffets and hot meals",
        sells_to_public_sector=True,
        living_wage_accredited=True,
    )
    page.goto(site + f"/pledge/manage/{make_manage_token(pledge)}/")
    expect(page.get_by_role("checkbox", name="Hotels, catering and hospitality")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Food and drink")).to_be_checked()
    expect(page.get_by_label("What you supply, in a line (optional)")).to_have_value(
        "Buffets and hot meals"
    )
    at_each_width(page, "manage-suppliers")
    assert console_errors == []
