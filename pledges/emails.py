"""Building and sending the pledge emails. Failures are logged without personal data."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from pledges.tokens import LINK_MAX_AGE, MANAGE_MAX_AGE, make_manage_token, make_token

log = logging.getLogger(__name__)


def absolute(path):
    return settings.SITE_URL + path


def send(template, to, context, *, about):
    """Send a plain-text and HTML email; say whether it went. `about` names it in the log."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"pledges/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"pledges/email/{template}.txt", context),
        to=to,
    )
    message.attach_alternative(
        render_to_string(f"pledges/email/{template}.html", context), "text/html"
    )
    try:
        message.send()
    except Exception as error:
        # By pledge id and the kind of failure only: the exception itself may quote the
        # address (SMTPRecipientsRefused does), and addresses stay out of logs.
        log.error("Could not send the %s email for %s: %s", template, about, type(error).__name__)
        return False
    return True


def send_verification(pledge):
    link = absolute(reverse("pledges:verify", args=[make_token(pledge)]))
    return send(
        "verify",
        [pledge.email],
        {"pledge": pledge, "link": link, "days": LINK_MAX_AGE.days},
        about=f"pledge {pledge.pk}",
    )


def moderator_addresses():
    staff = get_user_model().objects.with_perm(
        "pledges.change_pledge",
        include_superusers=True,
        is_active=True,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    addresses = {user.email.lower() for user in staff if user.email}
    addresses.update(address.lower() for address in settings.MODERATOR_EMAILS)
    return sorted(addresses)


def notify_moderators(pledge):
    to = moderator_addresses()
    if not to:
        return True
    link = absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    # One message per moderator, so no moderator sees another's address.
    return all(
        send("moderators", [address], {"pledge": pledge, "link": link}, about=f"pledge {pledge.pk}")
        for address in to
    )


def pledge_links(pledge):
    public = absolute(pledge.get_absolute_url())
    return {
        "public_link": public,
        "badge_link": public + "#badge",
        "manage_link": absolute(reverse("pledges:manage", args=[make_manage_token(pledge)])),
        "manage_days": MANAGE_MAX_AGE.days,
    }


def send_approval(pledge):
    return send(
        "approved",
        [pledge.email],
        {"pledge": pledge, **pledge_links(pledge)},
        about=f"pledge {pledge.pk}",
    )


def send_rejection(pledge):
    note = pledge.events.filter(action="rejected").values_list("note", flat=True).last() or ""
    reason = pledge.get_rejection_reason_display()
    extra = note.removeprefix(reason + ".").strip()
    return send(
        "rejected",
        [pledge.email],
        {"pledge": pledge, "reason": reason, "note": extra},
        about=f"pledge {pledge.pk}",
    )


def send_manage_link(pledge):
    return send(
        "manage",
        [pledge.email],
        {"pledge": pledge, **pledge_links(pledge)},
        about=f"pledge {pledge.pk}",
    )
