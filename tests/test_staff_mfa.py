"""Staff sign in with a password and a code from an authenticator app (or a recovery code)."""

import re
from base64 import b32decode
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backing_lancashire.staff import confirm_app
from tests.conftest import PASSWORD, PRODUCTION_ENV

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def sign_in(client, username="moderator", password=PASSWORD, next="/admin/"):
    return client.post(f"/admin/login/?next={next}", {"username": username, "password": password})


def code(key, steps_ahead=0):
    """What the app shows now (or `steps_ahead` 30-second steps later)."""
    return f"{totp(key, drift=steps_ahead):06d}"


def secret_on(page):
    """The key as the set-up page shows it, for people who cannot scan the QR code."""
    shown = re.search(r'<code class="staff-secret">([A-Z2-7 ]+)</code>', page).group(1)
    return b32decode(shown.replace(" ", ""))


@pytest.fixture
def enrolled(moderator):
    """The moderator with a confirmed app; returns its key and the recovery codes."""
    device = TOTPDevice.objects.create(user=moderator, name="Authenticator app", confirmed=False)
    return device.bin_key, confirm_app(device)


def test_the_first_sign_in_sets_up_the_app_then_shows_recovery_codes_once(client, moderator):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/sign-in/set-up/?next=%2Fadmin%2F"
    # The password alone opens nothing.
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/pledges/pledge/").status_code == 302

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code for the authenticator app"' in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html
    key = secret_on(html)
    assert TOTPDevice.objects.get(user=moderator).config_url.startswith(
        "otpauth://totp/Backing%20Lancashire%3Amoderator?secret="
    )

    # A wrong code: the error beside the field, which names it; nothing confirmed.
    wrong = client.post(page.wsgi_request.get_full_path(), {"code": "000000", "next": "/admin/"})
    html = wrong.content.decode()
    assert wrong.status_code == 200
    assert '<ul class="errorlist" id="id_code_error"><li>That code is not right' in html
    assert (
        'aria-invalid="true"' in html
        and 'aria-describedby="id_code_helptext id_code_error"' in html
    )
    assert not TOTPDevice.objects.get(user=moderator).confirmed
    assert secret_on(html) == key  # the same secret: the app scanned already still fits

    # django-otp checks no code for a second after a wrong one, and says so.
    too_fast = client.post("/admin/sign-in/set-up/", {"code": code(key), "next": "/admin/"})
    assert "Too many wrong codes in a row" in too_fast.content.decode()
    TOTPDevice.objects.filter(user=moderator).update(throttling_failure_count=0)
    confirmed = client.post("/admin/sign-in/set-up/", {"code": code(key), "next": "/admin/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/sign-in/recovery-codes/?next=%2Fadmin%2F"
    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=moderator).values_list("token", flat=True)
    )
    assert "will not be shown again" in shown
    # Once only.
    again = client.get("/admin/sign-in/recovery-codes/")
    assert again.status_code == 302 and not re.search(r"[a-z2-7]{8}", again.content.decode())
    assert client.get("/admin/").status_code == 200


def test_later_sign_ins_ask_for_the_code(client, moderator, enrolled):
    key, _ = enrolled
    response = sign_in(client, next="/admin/pledges/pledge/")
    assert response["Location"] == "/admin/sign-in/code/?next=%2Fadmin%2Fpledges%2Fpledge%2F"
    assert client.get("/admin/pledges/pledge/").status_code == 302

    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "Use a recovery code instead" in page

    wrong = client.post(response["Location"], {"code": "123456"})
    assert wrong.status_code == 200
    assert 'id="id_code_error"' in wrong.content.decode()
    assert client.get("/admin/pledges/pledge/").status_code == 302

    # django-otp makes a failure wait a second before the next try is even checked.
    TOTPDevice.objects.filter(user=moderator).update(throttling_failure_count=0)
    right = client.post(response["Location"], {"code": code(key, 1)})
    assert right.status_code == 302 and right["Location"] == "/admin/pledges/pledge/"
    assert client.get("/admin/pledges/pledge/").status_code == 200


def test_the_same_app_code_does_not_work_twice(client, moderator, enrolled):
    key, _ = enrolled
    used = code(key, 1)
    sign_in(client)
    assert client.post("/admin/sign-in/code/", {"code": used}).status_code == 302
    client.post("/admin/logout/")
    sign_in(client)
    again = client.post("/admin/sign-in/code/", {"code": used})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()


def test_a_recovery_code_signs_in_once(client, moderator, enrolled):
    _, codes = enrolled
    sign_in(client)
    page = client.get("/admin/sign-in/code/?recovery=1&next=/admin/").content.decode()
    assert '<label for="id_code">Recovery code</label>' in page
    response = client.post(
        "/admin/sign-in/code/?recovery=1", {"code": codes[0].upper(), "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "9 left" in client.get("/admin/").content.decode()

    client.post("/admin/logout/")
    sign_in(client)
    reused = client.post("/admin/sign-in/code/?recovery=1", {"code": codes[0]})
    assert reused.status_code == 200
    assert "That recovery code is not right, or has been used" in reused.content.decode()
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=moderator).count() == 9


def test_an_empty_or_hostile_code_gets_a_message_not_an_error(client, moderator, enrolled):
    sign_in(client)
    for value in ["", " ", "x" * 33, "1" * 6 + "\x00", "' OR 1=1 --", "１２３４５６"]:
        response = client.post("/admin/sign-in/code/", {"code": value})
        assert response.status_code == 200, value
        assert 'id="id_code_error"' in response.content.decode(), value
    assert client.get("/admin/").status_code == 302


def test_the_steps_never_redirect_off_the_site(client, moderator, enrolled):
    key, _ = enrolled
    response = sign_in(client, next="https://evil.example/")
    assert response["Location"] == "/admin/sign-in/code/?next=%2Fadmin%2F"
    right = client.post(
        "/admin/sign-in/code/", {"code": code(key), "next": "https://evil.example/"}
    )
    assert right["Location"] == "/admin/"


def test_someone_else_can_sign_out_between_the_steps(client, moderator, enrolled):
    sign_in(client)
    response = client.post("/admin/sign-in/cancel/")
    assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/sign-in/code/")["Location"] == "/admin/"


def test_reset_staff_mfa_makes_the_next_sign_in_set_up_a_new_app(client, moderator, enrolled):
    key, _ = enrolled
    sign_in(client)
    client.post("/admin/sign-in/code/", {"code": code(key)})
    assert client.get("/admin/").status_code == 200

    call_command("reset_staff_mfa", "moderator", verbosity=0)
    assert not TOTPDevice.objects.filter(user=moderator).exists()
    assert not StaticDevice.objects.filter(user=moderator).exists()
    # The session is over: it cannot go on to set up an app of its own.
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/sign-in/set-up/").status_code == 302
    assert sign_in(client)["Location"].startswith("/admin/sign-in/set-up/")


def test_reset_staff_mfa_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called nobody"):
        call_command("reset_staff_mfa", "nobody", verbosity=0)


def test_without_the_setting_the_password_is_enough(client, moderator, settings):
    settings.STAFF_MFA_REQUIRED = False
    assert sign_in(client)["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_public_site_is_not_asked_for_a_code(client, moderator):
    sign_in(client)
    assert client.get("/").status_code == 200
    assert client.get("/signatories/").status_code == 200


@pytest.mark.slow
def test_it_is_required_in_production_and_off_in_development(run_django):
    code = "import django; django.setup()\nfrom django.conf import settings as s\n"
    production = run_django(code + "print(s.STAFF_MFA_REQUIRED)", PRODUCTION_ENV)
    assert production.stdout.strip() == "True", production.stderr
    development = run_django(code + "print(s.STAFF_MFA_REQUIRED)", {"DJANGO_DEBUG": "1"})
    assert development.stdout.strip() == "False", development.stderr


@pytest.mark.slow
def test_check_deploy_warns_when_it_is_turned_off(run_django):
    result = run_django(
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', '--deploy', fail_level='WARNING')\n",
        {**PRODUCTION_ENV, "STAFF_MFA_REQUIRED": "0"},
    )
    assert result.returncode == 1
    assert "backing_lancashire.W002" in unescape(result.stderr)
