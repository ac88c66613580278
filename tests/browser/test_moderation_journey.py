import re

from django.core import mail
from playwright.sync_api import expect

from pledges.models import Pledge
from pledges.tokens import make_manage_token
from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD
from tests.factories import make_pledge


def test_a_moderator_works_the_queue(site, page, moderator, console_errors, send_queued):
    spam = make_pledge(status=Pledge.Status.PENDING, name="Totally Real Widgets")
    good = make_pledge(status=Pledge.Status.PENDING, name="Preston Printworks")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(moderator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".moderation-queue")).to_contain_text("2 pledges waiting for review.")
    page.get_by_role("link", name="Open the queue").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    screenshot(page, "admin-queue-desktop")

    page.get_by_role("link", name=spam.name).click()
    page.get_by_role("link", name="Reject…").click()
    page.get_by_label("Not a real organisation").check()
    page.get_by_label("Note to the organisation").fill("We could not find you.")
    screenshot(page, "admin-reject-desktop")
    page.get_by_role("button", name="Yes, reject").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected 1 pledge.")

    page.goto(site + f"/admin/pledges/pledge/{good.pk}/change/")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved 1 pledge.")
    screenshot(page, "admin-approved-desktop")

    assert Pledge.objects.get(pk=spam.pk).status == Pledge.Status.REJECTED
    assert Pledge.objects.get(pk=good.pk).status == Pledge.Status.APPROVED
    send_queued()
    assert sorted(m.subject for m in mail.outbox) == [
        "Preston Printworks is now backing Lancashire",
        "Your Backing Lancashire pledge",
    ]

    page.goto(site + f"/signatories/{good.slug}/")
    expect(page.locator("h1")).to_have_text("Preston Printworks")
    assert page.goto(site + f"/signatories/{spam.slug}/").status == 404
    assert [e for e in console_errors if "404" not in e] == []


def test_the_organisation_pages_are_accessible(site, page):
    pledge = make_pledge(status=Pledge.Status.APPROVED, statement="We buy local.")
    token = make_manage_token(pledge)
    pages = [
        (f"/signatories/{pledge.slug}/", pledge.name),
        (f"/pledge/manage/{token}/", "Manage your pledge"),
        (f"/pledge/manage/{token}/withdraw/", "Withdraw your pledge"),
        ("/pledge/manage/", "Manage your pledge"),
        ("/pledge/manage/sent/", "Check your email"),
    ]
    for path, heading in pages:
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(site + path)
            expect(page.locator("h1")).to_have_text(heading)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            name = re.sub(r"[^a-z]+", "-", path.replace(token, "token")).strip("-")
            screenshot(page, f"{name}-{width}")
            assert_accessible(page)

    page.goto(site + f"/pledge/manage/{token}/")
    page.get_by_label("Organisation name").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)

    # A change held for review, shown before and after without sideways scrolling.
    page.goto(site + f"/pledge/manage/{token}/")
    long = "https://www.a-very-long-domain-name-for-a-lancashire-supplier.example/about-us/pledge"
    page.get_by_label("Website (optional)").fill(long)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Changes waiting for review")).to_be_visible()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_text(long).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"pledge-manage-change-waiting-{width}")
        assert_accessible(page)

    page.goto(site + f"/pledge/manage/{token}/withdraw/")
    page.get_by_role("button", name="Yes, withdraw our pledge").click()
    expect(page.locator("h1")).to_have_text("Your pledge has been withdrawn")
    assert_accessible(page)
    assert Pledge.objects.get().status == Pledge.Status.WITHDRAWN
