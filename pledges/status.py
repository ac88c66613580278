"""Where a pledge stands in its lifecycle, and the sets of statuses the rules name."""

from django.db import models


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A pledge in these holds its organisation's one place. An unconfirmed sign-up holds
# none, so that nobody can block an organisation with a sign-up they never confirm:
# of several, the first to be confirmed takes the place.
ACTIVE = [Status.PENDING, Status.APPROVED]
# The organisation can still change or withdraw it, and be sent a link to do so.
MANAGEABLE = [Status.PENDING, Status.APPROVED]
