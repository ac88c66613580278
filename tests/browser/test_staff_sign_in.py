from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD


def test_a_first_sign_in_sets_up_the_app(site, page, moderator, console_errors, settings):
    settings.STAFF_MFA_REQUIRED = True
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(moderator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    screenshot(page, "admin-set-up-phone")
    assert_accessible(page)
    key = b32decode(page.locator(".staff-secret").inner_text().replace(" ", ""))

    field = page.get_by_label("Code from your authenticator app")
    field.fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#id_code_error")).to_contain_text("That code is not right")
    assert_accessible(page)

    TOTPDevice.objects.filter(user=moderator).update(throttling_failure_count=0)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".staff-recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="continue to the admin").click()
    expect(page.locator("#site-name")).to_contain_text("Backing Lancashire administration")
    expect(page.locator(".moderation-queue")).to_be_visible()
    # No CSP refusal or script error; the admin has no favicon, a 404 the browser reports.
    assert [e for e in console_errors if "404" not in e] == []
