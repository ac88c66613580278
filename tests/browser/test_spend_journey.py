"""Local spend in a real browser: a member of staff imports the published spending files
and locates the largest supplier, and the public reads the figures at phone and desktop
widths, with no sideways scrolling and no axe violations."""

import importlib
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import Sum
from playwright.sync_api import expect

from campaign.models import Payment, Publisher, SpendImport, Supplier
from campaign.spending import names, sample
from campaign.spending.imports import File, save
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD, load_postcodes

SPENDING = importlib.import_module("campaign.migrations.0008_spending_group")
FORCE = "Lancashire Constabulary"
OPCC = "Police and Crime Commissioner for Lancashire"
# The force's two monthly files and messy.csv (every kind of bad line, in April).
FILES = ["chief-constable-2025-04.csv", "chief-constable-2025-05.csv", "messy.csv"]
# The OPCC's file for May, imported before: it gives no postcodes, so the suppliers only
# the OPCC pays are the ones left to locate.
OPCC_FILE = "opcc-2025-05.csv"
# messy.csv's payments, as its lines 3–11, 16, 17 and 20 hold them: the sample does not
# total it, so the figure is worked out here by hand.
MESSY_TOTAL = Decimal("33103.99")


@pytest.fixture
def spending_group():
    """The Spending group, made again as its migration makes it: each browser test ends
    by emptying the database, the migration's group with it."""
    group, _ = Group.objects.get_or_create(name=SPENDING.GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaign", codename__in=SPENDING.PERMISSIONS
        )
    )
    return group


@pytest.fixture
def spender(django_user_model, spending_group):
    user = django_user_model.objects.create_user(
        "spender", "spender@opcc.example", PASSWORD, is_staff=True
    )
    user.groups.add(spending_group)
    return user


@pytest.fixture
def sample_files(tmp_path):
    """Two months of the sample, written by the command staff run, with what it said of
    each file: {name: (payments, total)}."""
    out = io.StringIO()
    call_command("make_spend_sample", out=tmp_path, months=2, rows=60, signatories=0, stdout=out)
    said = {}
    for line in out.getvalue().splitlines():
        found = re.match(r"Wrote .*/([\w.-]+): (\d+) payments, £([\d,.]+)", line)
        if found:
            said[found[1]] = (int(found[2]), Decimal(found[3].replace(",", "")))
    return tmp_path, said


@pytest.fixture
def directory():
    """The postcode directory for every postcode the sample's suppliers have: a supplier
    whose file gives its postcode is located at import, and the rest are to locate."""
    outwards = {code.split()[0] for code in (s.postcode for s in sample.suppliers())}
    load_postcodes(*outwards, "PR1", "BB7")  # and messy.csv's two


def pounds(amount):
    return f"£{amount:,.2f}".removesuffix(".00")


def located(page):
    """The located spend the supplier list states, in pounds, and its share in per cent."""
    text = page.locator("#located-share").inner_text()
    found = re.match(r"Located: £([\d,.]+) of £[\d,.]+ spent, ([\d.]+)%", text)
    assert found, text
    return Decimal(found[1].replace(",", "")), Decimal(found[2])


def true_postcode(name):
    """Where the sample's supplier of this name (in either spelling) is."""
    pool = {names.key(s.name): s.postcode for s in sample.suppliers()}
    return pool[names.key(name)]


def accessible(page, console_errors):
    """No axe violation; and what the axe engine itself sets off is not the page's error.

    On the supplier list axe adds a <style> element of its own to read the stylesheets,
    which the CSP blocks: a console error the site did not cause.
    """
    before = len(console_errors)
    assert_accessible(page)
    del console_errors[before:]


def test_a_member_of_staff_imports_files_and_locates_a_supplier(
    site, page, spender, sample_files, directory, console_errors
):
    folder, said = sample_files
    opcc = said[OPCC_FILE]
    save(Publisher.objects.create(name=OPCC), [File(OPCC_FILE, (folder / OPCC_FILE).read_bytes())])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(spender.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    accessible(page, console_errors)

    page.get_by_role("link", name="Spending files").click()
    expect(page.locator("h1")).to_have_text("Select spending file to view")
    accessible(page, console_errors)
    page.get_by_role("link", name="Upload spending files").click()
    expect(page.locator("h1")).to_have_text("Upload spending files")
    page.get_by_label("or a new publisher's name").fill(FORCE)
    page.get_by_label("Spending files").set_input_files([folder / name for name in FILES])
    accessible(page, console_errors)
    screenshot(page, "spend-upload-1280")
    page.get_by_role("button", name="Read the files").click()

    # The preview: what each file holds, line by line; nothing saved.
    expect(page.locator("h1")).to_have_text("Check the spending files before importing them")
    expect(page.get_by_text("Nothing has been imported yet.")).to_be_visible()
    rows = page.locator("#spending-preview tbody tr")
    expect(rows).to_have_count(3)
    april, may = (said[name] for name in FILES[:2])
    expected = {
        FILES[0]: ("April 2025", april[0], 1, april[1]),
        FILES[1]: ("May 2025", may[0], 1, may[1]),
        FILES[2]: ("April 2025", 12, 4, MESSY_TOTAL),
    }
    for name, (months, payments, refused, total) in expected.items():
        row = rows.filter(has=page.get_by_role("rowheader", name=name))
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(months)
        expect(cells.nth(1)).to_have_text(str(payments))
        expect(cells.nth(5)).to_have_text(str(refused))
        expect(cells.nth(6)).to_have_text(pounds(total))
    whole = sum((total for *_, total in expected.values()), Decimal(0))
    expect(
        page.get_by_text(f"Together these files hold {pounds(whole)} of payments.")
    ).to_be_visible()
    messy = page.locator("details.spending-refused", has_text="messy.csv")
    expect(messy.locator("summary")).to_have_text("messy.csv: 4 lines refused, and why")
    messy.locator("summary").click()
    for line in sample.MESSY_REFUSED:
        expect(messy.get_by_text(f"Line {line}:")).to_be_visible()
    # The force's files end in a totals line, which is not a payment.
    force = page.locator("details.spending-refused", has_text=FILES[0])
    expect(force.locator("summary")).to_have_text(f"{FILES[0]}: 1 line refused, and why")
    assert SpendImport.objects.get().file_name == OPCC_FILE  # only the earlier import
    assert Payment.objects.count() == opcc[0]
    accessible(page, console_errors)
    screenshot(page, "spend-preview-1280")

    page.get_by_role("button", name="Import 3 files").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported 3 files: 132 new payments")
    listed = page.locator("#result_list tbody tr")
    expect(listed).to_have_count(4)
    for name in [*FILES, OPCC_FILE]:
        expect(page.locator("#result_list")).to_contain_text(name)
    assert SpendImport.objects.count() == 4
    assert Payment.objects.count() == april[0] + may[0] + opcc[0] + 12
    accessible(page, console_errors)
    screenshot(page, "spend-imported-1280")

    # The supplier queue: the largest supplier without a place first.
    page.goto(site + "/admin/campaign/supplier/")
    page.get_by_role("link", name="Suppliers to locate, largest spend first").click()
    expect(page).to_have_url(re.compile(r"located=no"))
    before, percent = located(page)
    assert 0 < percent < 100
    accessible(page, console_errors)
    screenshot(page, "spend-suppliers-to-locate-1280")
    largest = (
        Supplier.objects.filter(area="")
        .annotate(paid=Sum("payments__amount"))
        .order_by("-paid")
        .first()
    )
    top = page.locator("#result_list tbody tr").first
    expect(top.locator("th")).to_have_text(largest.name)
    field = top.get_by_label(f"Postcode of {largest.name}")
    # A well-formed postcode the directory does not know is refused, and nothing saved.
    field.fill(sample.UNKNOWN_POSTCODE)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".errorlist")).to_contain_text("We cannot find that postcode")
    assert Supplier.objects.get(pk=largest.pk).postcode == ""
    accessible(page, console_errors)
    postcode = true_postcode(largest.name)
    field.fill(postcode)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    largest.refresh_from_db()
    assert largest.postcode == postcode
    assert largest.area != ""
    after, risen = located(page)
    assert after == before + largest.paid
    assert risen > percent
    expect(page.locator("#result_list")).not_to_contain_text(largest.name)
    accessible(page, console_errors)

    # The public page, computed from what was imported.
    page.goto(site + "/spend/")
    expect(page.locator("#spend-headline")).to_contain_text("spent by Lancashire Constabulary")
    expect(page.locator("#spend-headline")).to_contain_text(pounds(whole + opcc[1]))
    accessible(page, console_errors)
    assert [e for e in console_errors if "404" not in e] == []


@pytest.fixture
def imported(directory, sample_files):
    """The sample's files, each imported under its publisher as staff would."""
    folder, _ = sample_files
    for publisher, theirs in [(FORCE, FILES), (OPCC, [OPCC_FILE])]:
        files = [File(name, (folder / name).read_bytes()) for name in theirs]
        save(Publisher.objects.create(name=publisher), files)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_spend_page_fits_the_screen(site, page, imported, console_errors, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/spend/")
    expect(page.locator("h1")).to_have_text("Spend statistics")
    expect(page.locator("#spend-headline")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Each table stays within its scrollable region, which stays within the page.
    regions = page.locator(".table-responsive[role=region]")
    assert regions.count() == 3
    for n in range(regions.count()):
        box = regions.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    expect(
        page.get_by_role("navigation", name="Periods").locator("[aria-current=page]")
    ).to_have_text("The latest twelve months")
    # On a wide screen each chart stands beside its table; on a phone, above it.
    chart = page.locator(".spend-trend").bounding_box()
    table = page.get_by_role("region", name="Month by month").bounding_box()
    if width >= 992:
        assert table["x"] >= chart["x"] + chart["width"] and table["y"] < chart["y"] + 50
    else:
        assert table["y"] >= chart["y"] + chart["height"]
    screenshot(page, f"spend-measured-{width}")
    accessible(page, console_errors)
    assert console_errors == []
