"""Where a pledge stands in its lifecycle, and the sets of statuses the rules name."""

from django.db import models


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Approved once, but not checked in within a year and the grace period after it
    # (pledges.checkins): off the wall's default view, the counts and the current list,
    # until the organisation checks in again.
    LAPSED = "lapsed", "Lapsed"


# A pledge in these holds its organisation's one place. An unconfirmed sign-up holds
# none, so that nobody can block an organisation with a sign-up they never confirm:
# of several, the first to be confirmed takes the place.
# A lapsed pledge keeps it: the organisation checks in again rather than signing anew.
ACTIVE = [Status.PENDING, Status.APPROVED, Status.LAPSED]
# The organisation can still change or withdraw it, and be sent a link to do so.
MANAGEABLE = [Status.PENDING, Status.APPROVED, Status.LAPSED]
# Shown on a signatory page of its own, with what it reported (lapsed ones say so).
LISTED = [Status.APPROVED, Status.LAPSED]
