"""Staff sign-in: a second factor, a slow-down that no stranger can turn into a lock-out,
and sessions that end.

The admin site here is Django's own, with two steps between the password and the admin
when STAFF_MFA_REQUIRED is on: a code from an authenticator app (or a recovery code),
and, the first time, setting the app up. django-otp keeps the devices and checks codes.
"""

import functools
import hashlib
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backing_lancashire.client import client_key

RECOVERY_CODES = 10

# Failed sign-ins for one username, from any address, before it slows down; the count
# lasts until WINDOW passes without a failure. Then each failure pauses the username
# for PAUSE, so guessing across many addresses gets one try a minute.
SLOWDOWN_AFTER = 10
WINDOW = 15 * 60
PAUSE = 60
PAUSED_MESSAGE = "Too many failed sign-ins for this account. Try again in a minute."
# Failed sign-ins from one address, whatever the usernames, before it waits a quarter of
# an hour: django-axes locks a username only at the address that failed, so this is what
# stops one address trying a few passwords for each of many usernames.
ADDRESS_FAILURES = 30
ADDRESS_PAUSED_MESSAGE = (
    "Too many failed sign-ins from your network. Try again in a quarter of an hour."
)

# A browser that has signed in as a username before is never paused for it, so that a
# stranger's guesses cannot keep the real person out (only new browsers wait).
KNOWN_BROWSER_COOKIE = "staff_browser"
KNOWN_BROWSER_DAYS = 90


# The second factor ----------------------------------------------------------------


def verified(user):
    return getattr(user, "otp_device", None) is not None


def needs_second_factor(request):
    """Signed in with a password, and the code still to give."""
    user = request.user
    return settings.STAFF_MFA_REQUIRED and user.is_active and user.is_staff and not verified(user)


WRONG_CODE = "That code is not right, or has been used. Check the app and try the newest code."
WRONG_RECOVERY_CODE = "That recovery code is not right, or has been used. Try another of yours."
TOO_FAST = "Too many wrong codes in a row. Wait a few seconds, then try the newest code."


def check_code(user, devices, code):
    """The device that accepts the code, or the message to show beside the field.

    Six digits are for the app; anything else is a recovery code, used up once accepted.
    django-otp makes each device wait 1, 2, 4… seconds after a wrong code before it
    checks another, which a guess cannot get round.
    """
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdigit() else StaticDevice
    devices = [device for device in devices if isinstance(device, model)]
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        return TOO_FAST
    for device in devices:
        if found := django_otp.verify_token(user, device.persistent_id, code):
            return found
    return WRONG_CODE if model is TOTPDevice else WRONG_RECOVERY_CODE


def app_to_set_up(user):
    """The authenticator app being set up: the same secret until it is confirmed, so a
    page reloaded after scanning still matches the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_app(device):
    """Confirm the app and issue a fresh set of recovery codes, returned to be shown once."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=device.user).delete()
        recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes


def forget_devices(user):
    """Remove every device, so that the next sign-in sets up a new app, and end every
    session of the user's: one already past the password (on a lost phone, say) must not
    go on to set up an app of its own."""
    devices = list(django_otp.devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(devices)


def qr_svg(url):
    """The otpauth:// link as an inline SVG: no script and no style, so the strict CSP
    stands; a white ground so it scans in the admin's dark theme too."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    return mark_safe(  # noqa: S308 - drawn by qrcode from our own link, no text in it
        svg.replace("<svg ", '<svg role="img" aria-label="QR code for the authenticator app" ', 1)
    )


def spaced(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=32,
        help_text="The six digits the app shows now.",
        error_messages={"required": "Enter the code."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 12}
        ),
    )

    def __init__(self, *args, recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            field = self.fields["code"]
            field.label = "Recovery code"
            field.help_text = "One of the codes you saved when you set up the app; each works once."
            field.error_messages["required"] = "Enter a recovery code."
            field.widget.attrs.update({"inputmode": "text", "autocomplete": "off"})


# A slow-down per username that no stranger can make a lock-out ------------------------


def _key(kind, username):
    digest = hashlib.sha256(username.casefold().encode()).hexdigest()
    return f"staff-signin:{kind}:{digest}"


def known_browser(request, username):
    seen = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default="",
        salt=KNOWN_BROWSER_COOKIE,
        max_age=KNOWN_BROWSER_DAYS * 86400,
    )
    return bool(seen) and seen == username.casefold()


def remember_browser(response, user):
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        user.get_username().casefold(),
        salt=KNOWN_BROWSER_COOKIE,
        max_age=KNOWN_BROWSER_DAYS * 86400,
        path=reverse("admin:index"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def sign_in_paused(request, username):
    if known_browser(request, username):
        return False
    until = cache.get(_key("paused", username))
    return until is not None and until > time.time()


def address_paused(request, username):
    # Never in a browser that has signed in as this username before: a stranger on the
    # same network must not keep staff out of their own browsers.
    if username and known_browser(request, username):
        return False
    return cache.get(_key("failures-from", client_key(request)), 0) >= ADDRESS_FAILURES


def count_failure(key):
    """One more failure in the count at `key`, which lasts until WINDOW passes without one."""
    cache.add(key, 0, WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, failures := 1, WINDOW)
    cache.touch(key, WINDOW)
    return failures


def note_failed_sign_in(request, username):
    if count_failure(_key("failures", username)) >= SLOWDOWN_AFTER:
        cache.set(_key("paused", username), time.time() + PAUSE, PAUSE)
    count_failure(_key("failures-from", client_key(request)))


class SignInForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        if address_paused(self.request, username):
            raise ValidationError(ADDRESS_PAUSED_MESSAGE, code="paused")
        if username and sign_in_paused(self.request, username):
            raise ValidationError(PAUSED_MESSAGE, code="paused")
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                note_failed_sign_in(self.request, username)
            raise


# The admin site ---------------------------------------------------------------------


def next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("admin:index")


def with_next(name, request):
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url(request)})}"


class StaffAdminSite(admin.AdminSite):
    login_form = SignInForm

    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request)

    def login(self, request, extra_context=None):
        if not needs_second_factor(request):
            response = super().login(request, extra_context)
            if request.method == "POST" and request.user.is_authenticated:
                remember_browser(response, request.user)
            # Signed in just now with the password: the code is still to come.
            if not needs_second_factor(request):
                return response
        if django_otp.user_has_device(request.user):
            return redirect(with_next("admin:staff_code", request))
        return redirect(with_next("admin:staff_set_up", request))

    def get_urls(self):
        def step(view):
            # Between the password and the code: has_permission is not met yet.
            def inner(request):
                if not needs_second_factor(request):
                    return redirect(next_url(request))
                return view(request)

            return never_cache(csrf_protect(inner))

        return [
            path("sign-in/code/", step(self.code), name="staff_code"),
            path("sign-in/set-up/", step(self.set_up), name="staff_set_up"),
            path("sign-in/cancel/", step(self.cancel), name="staff_cancel"),
            path(
                "sign-in/recovery-codes/",
                self.admin_view(self.recovery_codes),
                name="staff_recovery_codes",
            ),
            *super().get_urls(),
        ]

    def page(self, request, template, **context):
        return TemplateResponse(
            request,
            f"admin/staff/{template}.html",
            {
                **self.each_context(request),
                "available_apps": [],  # nothing of the admin before the code
                REDIRECT_FIELD_NAME: next_url(request),
                "username": request.user.get_username(),
                **context,
            },
        )

    def code(self, request):
        """Ask for the code, or a recovery code, of a member of staff who has an app."""
        if not django_otp.user_has_device(request.user):
            return redirect(with_next("admin:staff_set_up", request))
        recovery = "recovery" in request.GET
        form = CodeForm(request.POST if request.method == "POST" else None, recovery=recovery)
        if form.is_valid():
            devices = django_otp.devices_for_user(request.user)
            device = check_code(request.user, devices, form.cleaned_data["code"])
            if isinstance(device, str):
                form.add_error("code", device)
            else:
                self.verified(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} left. "
                        "If your phone is lost, ask a site administrator to reset your app.",
                    )
                return redirect(next_url(request))
        return self.page(request, "code", form=form, recovery=recovery, title="Enter your code")

    def set_up(self, request):
        """First sign-in: scan the QR code (or type the secret), confirm with a code."""
        if django_otp.user_has_device(request.user):
            return redirect(with_next("admin:staff_code", request))
        device = app_to_set_up(request.user)
        form = CodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            checked = check_code(request.user, [device], form.cleaned_data["code"])
            if isinstance(checked, str):
                form.add_error("code", checked)
            else:
                codes = confirm_app(checked)
                self.verified(request, checked)
                request.session["staff_recovery_codes"] = codes
                return redirect(with_next("admin:staff_recovery_codes", request))
        return self.page(
            request,
            "set_up",
            form=form,
            qr=qr_svg(device.config_url),
            secret=spaced(b32encode(device.bin_key).decode()),
            title="Set up your authenticator app",
        )

    def recovery_codes(self, request):
        """The recovery codes, once: they are in the session only until this page shows."""
        codes = request.session.pop("staff_recovery_codes", None)
        if not codes:
            return redirect(next_url(request))
        return self.page(request, "recovery_codes", codes=codes, title="Your recovery codes")

    def cancel(self, request):
        if request.method == "POST":
            logout(request)
        return redirect(reverse("admin:login"))

    def verified(self, request, device):
        # A new session key for the stronger sign-in, as for the password.
        request.session.cycle_key()
        django_otp.login(request, device)


# Sessions ---------------------------------------------------------------------------


@functools.cache
def admin_prefix():
    return reverse("admin:index")


def staff_sessions(get_response):
    """End a staff session after STAFF_SESSION_IDLE_MINUTES without an admin request, or
    STAFF_SESSION_MAX_HOURS after it began, whichever comes first.

    Only admin requests are looked at, so public pages never load a session; the
    session's own expiry follows the same limits, so an abandoned one is gone from the
    store too (clearsessions), and its cookie with it.
    """

    def middleware(request):
        if request.path.startswith(admin_prefix()) and request.user.is_staff:
            session, now = request.session, time.time()
            idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
            began = session.setdefault("staff_since", now)
            seen = session.get("staff_seen", now)
            if now - seen > idle or now - began > settings.STAFF_SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, "You were signed out, as the session had ended.")
            else:
                session["staff_seen"] = now
                left = began + settings.STAFF_SESSION_MAX_HOURS * 3600 - now
                session.set_expiry(int(min(idle, left)) + 1)
        return get_response(request)

    return middleware
