"""The pledge emails, built and sent; pledges.tasks decides when.

Each function renders one email about a pledge and sends it, raising if the mail server
refuses, for the queue to try again. This module knows nothing of the queue or the models.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from pledges.checkins import due_on, lapses_on
from pledges.tokens import (
    LINK_MAX_AGE,
    MANAGE_MAX_AGE,
    make_email_token,
    make_manage_token,
    make_token,
)


def absolute(path):
    return settings.SITE_URL + path


# The emails that ask their reader to write to the Office: they come from a no-reply
# address, so Reply must go to the Office's (settings.CONTACT), or it goes nowhere.
INVITE_REPLY = {"rejected", "change_rejected", "email_changing", "figure_hidden"}


def send(template, to, context):
    """Send a plain-text and HTML email."""
    # Every email can say how to reach the Office (settings.CONTACT, as the pages do).
    context = {"site_url": settings.SITE_URL, "contact": settings.CONTACT, **context}
    subject = render_to_string(f"pledges/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"pledges/email/{template}.txt", context),
        to=to,
        reply_to=[settings.CONTACT["email"]] if template in INVITE_REPLY else None,
    )
    message.attach_alternative(
        render_to_string(f"pledges/email/{template}.html", context), "text/html"
    )
    message.send()


def verification(pledges, *, unlisted=0):
    """One link for each pledge waiting for this address to be confirmed.

    The address may not be the signer's: nothing the visitor wrote but each
    organisation's name goes in, shown as a quotation.
    """
    entries = [
        {
            "name": pledge.name,
            "link": absolute(reverse("pledges:verify", args=[make_token(pledge)])),
        }
        for pledge in pledges
    ]
    context = {"entries": entries, "unlisted": unlisted, "days": LINK_MAX_AGE.days}
    send("verify", [pledges[0].email], context)


def moderator(pledge, *, to):
    link = absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    send("moderators", [to], {"pledge": pledge, "link": link})


def pledge_links(pledge):
    public = absolute(pledge.get_absolute_url())
    return {
        "public_link": public,
        "badge_link": public + "#badge",
        "manage_link": absolute(reverse("pledges:manage", args=[make_manage_token(pledge)])),
        "manage_days": MANAGE_MAX_AGE.days,
    }


def approval(pledge):
    send("approved", [pledge.email], {"pledge": pledge, **pledge_links(pledge)})


def reason_given(reason, label, note):
    """A decision's reason as its email gives it. "Another reason" tells the organisation
    nothing, so for it the email gives only the moderator's note, which the admin
    requires then; the templates say "The reason:" before the note when `reason` is ""."""
    # "other" in both RejectionReason and ChangeRejectionReason.
    return {"reason": "" if reason == "other" else label, "note": note}


def rejection(pledge):
    reason = reason_given(
        pledge.rejection_reason, pledge.get_rejection_reason_display(), pledge.rejection_note
    )
    send("rejected", [pledge.email], {"pledge": pledge, **reason})


def manage_link(pledges, *, unlisted=0):
    """One link for each pledge the address can manage."""
    entries = [{"name": pledge.name, **pledge_links(pledge)} for pledge in pledges]
    send("manage", [pledges[0].email], listing(entries, pledges, unlisted))


def listing(entries, pledges, unlisted):
    """The context of an email listing several pledges of one address."""
    # Greeted by name only when every pledge names the same person.
    names = {pledge.contact_name for pledge in pledges}
    return {
        "entries": entries,
        "unlisted": unlisted,
        "contact_name": names.pop() if len(names) == 1 else "",
        "manage_days": MANAGE_MAX_AGE.days,
    }


def new_address(pledge, *, to):
    """The link that makes `to` the contact's address. Nobody has shown they read `to`
    yet: nothing a visitor wrote goes in but the organisation's name, as a quotation."""
    link = absolute(reverse("pledges:confirm_email", args=[make_email_token(pledge, to)]))
    send("new_email", [to], {"name": pledge.name, "link": link, "days": LINK_MAX_AGE.days})


def address_changing(pledge):
    send("email_changing", [pledge.email], {"pledge": pledge, "days": LINK_MAX_AGE.days})


def withdrawal(pledge, *, to):
    """The organisation's own withdrawal, confirmed to the address it had: its contact
    details are erased by now, so nothing but its name goes in."""
    context = {"name": pledge.name, "sign_link": absolute(reverse("pledges:sign"))}
    send("withdrawn", [to], context)


def change_for_moderator(pledge, *, to):
    """A moderator's notice of the pledge's change waiting for review, as it stands now."""
    change = pledge.changes.filter(status=pledge.changes.model.Status.OPEN).first()
    if change is None:
        return  # decided or withdrawn since
    link = absolute(reverse("admin:pledges_proposedchange_change", args=[change.pk]))
    fields = ", ".join(row[0] for row in change.comparison())
    send("change_moderator", [to], {"pledge": pledge, "link": link, "fields": fields})


def report(pledge, *, to, report):
    """A moderator's notice of a concern about a listing, while it is open. It carries the
    reporter's words, for staff only, and never the reporter's address."""
    report = pledge.reports.filter(pk=report, status="open").first()
    if report is None:
        return  # closed since
    link = absolute(reverse("admin:pledges_report_change", args=[report.pk]))
    send("report", [to], {"pledge": pledge, "report": report, "link": link})


def change_approval(pledge, *, change):
    send("change_approved", [pledge.email], {"pledge": pledge, **pledge_links(pledge)})


def change_rejection(pledge, *, change):
    change = pledge.changes.get(pk=change)
    context = {
        "pledge": pledge,
        **reason_given(change.reason, change.get_reason_display(), change.note),
        **pledge_links(pledge),
    }
    send("change_rejected", [pledge.email], context)


def checkin_reminder(pledges, *, unlisted=0):
    """Time to check in: for each pledge reminded, the day its year is up and the day it
    lapses, and a private link to the check-in page."""
    entries = [
        {
            "name": pledge.name,
            "affirmed": pledge.affirmed_at,
            "due": due_on(pledge.affirmed_at),
            "lapses": lapses_on(pledge.affirmed_at, pledge.reminded_at),
            "checkin_link": absolute(reverse("pledges:checkin", args=[make_manage_token(pledge)])),
        }
        for pledge in pledges
    ]
    send("checkin", [pledges[0].email], listing(entries, pledges, unlisted))


def lapse(pledge):
    """The pledge has lapsed: how to be listed again."""
    context = {"pledge": pledge, "manage_request": absolute(reverse("pledges:manage_request"))}
    send("lapsed", [pledge.email], context)


def relisted(pledge, *, to):
    """A lapsed organisation checked in, and is listed again at once: for moderators."""
    link = absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    send("relisted", [to], {"pledge": pledge, "link": link})


def figure_hidden(pledge, *, year, figures, note):
    """Which figures of the organisation's impact return for `year` a moderator hid, and
    why: they count nowhere public until the Office is shown they are right."""
    context = {
        "pledge": pledge,
        "year": year,
        "figures": figures,
        "note": note,
        **pledge_links(pledge),
    }
    send("figure_hidden", [pledge.email], context)
