"""The wall, the signatory page, the certificate, /data/ and the spend page at 375 and
1280 px: where things sit, what folds, the buttons script adds, and axe on each."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import make_pledge

WIDTHS = ((375, "phone"), (1280, "desktop"))
LONG_WEBSITE = "https://www.ribble-valley-bakery-and-confectioners.example/our-pledge"


def test_on_a_phone_the_first_result_comes_first(site, page, console_errors):
    call_command("seed_signatories", 200, verbosity=0)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + "/signatories/")
    first = page.locator(".signatories > li").first
    top = first.bounding_box()["y"]
    print(f"first result at {top:.0f} px on a 375 px phone")
    assert top < 900
    assert page.locator("#impact-heading").bounding_box()["y"] > top
    form = page.locator("form.wall-filters")
    expect(form).to_be_hidden()
    screenshot(page, "wall-layout-phone-folded")
    assert_accessible(page)
    page.locator("summary", has_text="Filter").click()
    expect(form).to_be_visible()
    page.select_option("#id_district", "pendle")
    page.locator("button", has_text="Show signatories").click()
    expect(page).to_have_url(re.compile(r"[?&]district=pendle"))
    # Filtered, the results still come first; the control says the list is filtered.
    expect(form).to_be_hidden()
    expect(page.locator("summary", has_text="(filtered)")).to_be_visible()
    assert page.locator(".signatories > li").first.bounding_box()["y"] < 900
    screenshot(page, "wall-layout-phone-filtered")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console_errors == []


def test_on_a_desktop_the_filters_are_open_without_a_control(site, page):
    call_command("seed_signatories", 200, verbosity=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/signatories/")
    expect(page.locator("form.wall-filters")).to_be_visible()
    expect(page.locator("summary", has_text="Filter")).to_be_hidden()
    top = page.locator(".signatories > li").first.bounding_box()["y"]
    print(f"first result at {top:.0f} px at 1280 px")
    assert top < 900
    screenshot(page, "wall-layout-desktop")
    assert_accessible(page)


def test_the_filters_fold_without_javascript(site, browser):
    call_command("seed_signatories", 20, verbosity=0)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(site + "/signatories/")
    page.locator("summary", has_text="Filter").click()
    expect(page.locator("#id_district")).to_be_visible()
    context.close()


def website_segments_on_one_line(page):
    """For each piece of the address between two <wbr>, whether it sits on one line."""
    return page.evaluate(
        """() => {
          const link = document.querySelector('.facts__address a');
          return [...link.childNodes].filter(n => n.nodeType === 3).map(n => {
            const range = document.createRange();
            range.selectNodeContents(n);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size === 1;
          });
        }"""
    )


def test_the_signatory_page_lays_out_on_a_phone(site, page, console_errors):
    pledge = make_pledge(
        status=Pledge.Status.APPROVED,
        name="Ribble Valley Bakery and Confectioners",
        website=LONG_WEBSITE,
        statement="We buy our flour from Lancashire mills.",
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    for width, name in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + pledge.get_absolute_url())
        segments = website_segments_on_one_line(page)
        assert len(segments) > 5 and all(segments), segments
        link_box = page.locator(".facts__address a").bounding_box()
        assert link_box["x"] + link_box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        code = page.locator("#badge-code")
        expect(code).to_be_hidden()
        screenshot(page, f"signatory-layout-{name}")
        assert_accessible(page)
        page.locator("summary", has_text="Add the badge to your website").click()
        expect(code).to_be_visible()
        page.locator("button", has_text="Copy the code").click()
        expect(page.locator(".badge-code .copy-status")).to_have_text("Code copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == code.input_value() and pledge.get_absolute_url() in copied
        page.locator("a", has_text="Copy the link to this page").click()
        expect(page.locator(".share .copy-status")).to_have_text("Link copied")
        assert page.evaluate("navigator.clipboard.readText()").endswith(pledge.get_absolute_url())
        screenshot(page, f"signatory-layout-{name}-badge-open")
        assert_accessible(page)
    assert console_errors == []


def test_without_javascript_no_copy_or_print_button_shows(site, browser):
    pledge = make_pledge(status=Pledge.Status.APPROVED, website=LONG_WEBSITE)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(site + pledge.get_absolute_url())
    page.locator("summary", has_text="Add the badge to your website").click()
    expect(page.locator("#badge-code")).to_be_visible()
    expect(page.locator("button", has_text="Copy the code")).to_be_hidden()
    expect(page.locator(".share a", has_text="Link to this page")).to_be_visible()
    page.goto(site + pledge.get_absolute_url() + "certificate/")
    expect(page.locator("button", has_text="Print this certificate")).to_be_hidden()
    expect(page.get_by_text("from your browser’s Print menu")).to_be_visible()
    context.close()


def test_the_certificate_prints_with_its_address(site, page, console_errors):
    pledge = make_pledge(status=Pledge.Status.APPROVED, commits_jobs=True)
    for width, name in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + pledge.get_absolute_url() + "certificate/")
        expect(page.locator("button", has_text="Print this certificate")).to_be_visible()
        expect(page.locator(".certificate__address")).to_have_text(
            f"http://127.0.0.1:8000{pledge.get_absolute_url()}"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"certificate-layout-{name}")
        assert_accessible(page)
    page.evaluate("window.print = () => { window.printed = true; }")
    page.locator("button", has_text="Print this certificate").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    expect(page.locator(".certificate__address")).to_be_visible()
    expect(page.locator("button", has_text="Print this certificate")).to_be_hidden()
    assert console_errors == []


@pytest.mark.parametrize("path", ["/data/", "/spend/"])
def test_data_and_spend_pages(site, page, console_errors, path):
    for width, name in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{path.strip('/')}-layout-{name}")
        assert_accessible(page)
    assert console_errors == []


def test_the_spend_page_charts_only_the_yearly_total(site, page):
    page.goto(site + "/spend/")
    expect(page.locator(".spend-chart__bar")).to_have_count(1)
    one_off = page.locator("section", has=page.locator("#one-off-heading"))
    expect(one_off).to_contain_text("the development of West Division Police Headquarters")
    expect(one_off.locator("svg")).to_have_count(0)
