"""The pledge emails: queued with the change that causes them, sent by the worker.

`queue` is called inside the transaction that makes the change, so a pledge and its
email are saved together or not at all. The queue holds the pledge's id and the kind of
email only; the worker builds the message when it sends it (pledges.tasks.deliver).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from pledges.tokens import LINK_MAX_AGE, MANAGE_MAX_AGE, make_manage_token, make_token


def absolute(path):
    return settings.SITE_URL + path


def send(template, to, context):
    """Send a plain-text and HTML email. A failure raises, for the queue to try again."""
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
    message.send()
    return True


def queue(kind, pledge, **extra):
    """Queue an email of `kind` (a key of KINDS) about `pledge`."""
    from pledges.tasks import deliver  # the task imports this module

    deliver.enqueue(kind, pledge.pk, **extra)


def verification(pledge):
    if pledge.status != pledge.Status.UNVERIFIED:
        return False  # confirmed since it was queued: a link now would only confuse
    link = absolute(reverse("pledges:verify", args=[make_token(pledge)]))
    return send(
        "verify", [pledge.email], {"pledge": pledge, "link": link, "days": LINK_MAX_AGE.days}
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


def moderators(pledge):
    # One message per moderator, each queued on its own, so that no moderator sees
    # another's address and a failure for one is retried without repeating the rest.
    for address in moderator_addresses():
        queue("moderator", pledge, to=address)
    return True


def moderator(pledge, *, to):
    if pledge.status != pledge.Status.PENDING:
        return False  # decided since
    link = absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    return send("moderators", [to], {"pledge": pledge, "link": link})


def pledge_links(pledge):
    public = absolute(pledge.get_absolute_url())
    return {
        "public_link": public,
        "badge_link": public + "#badge",
        "manage_link": absolute(reverse("pledges:manage", args=[make_manage_token(pledge)])),
        "manage_days": MANAGE_MAX_AGE.days,
    }


def approval(pledge):
    if pledge.status != pledge.Status.APPROVED:
        return False  # withdrawn (or renamed, and back in review) since
    return send("approved", [pledge.email], {"pledge": pledge, **pledge_links(pledge)})


def rejection(pledge):
    if pledge.status != pledge.Status.REJECTED:
        return False
    note = pledge.events.filter(action="rejected").values_list("note", flat=True).last() or ""
    reason = pledge.get_rejection_reason_display()
    extra = note.removeprefix(reason + ".").strip()
    return send("rejected", [pledge.email], {"pledge": pledge, "reason": reason, "note": extra})


def manage_link(pledge):
    if pledge.status not in (pledge.Status.PENDING, pledge.Status.APPROVED):
        return False  # no longer manageable: the link would not work
    return send("manage", [pledge.email], {"pledge": pledge, **pledge_links(pledge)})


# What each kind of email is called in a pledge's history, and how it is sent.
KINDS = {
    "verify": ("confirmation", verification),
    "moderators": ("moderators' notice", moderators),
    "moderator": ("moderator's notice", moderator),
    "approved": ("approval", approval),
    "rejected": ("rejection", rejection),
    "manage": ("manage link", manage_link),
}
