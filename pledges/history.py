"""A signatory's public history: what changed in its public pledge, and when.

Written here from the kind of each step alone, never from its note: notes are staff's,
and a step's note may quote what the organisation or a moderator wrote. Contact details,
moderators' decisions on other things and reports never appear.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from pledges.models import PledgeEvent, ProposedChange
from pledges.status import Status
from pledges.themes import THEMES

Action = PledgeEvent.Action


@dataclass(frozen=True)
class Step:
    at: datetime
    text: str


def public(pledge):
    """The steps, oldest first."""
    steps = []
    for action, from_status, at in pledge.events.filter(
        action__in=[Action.SUBMITTED, Action.APPROVED, Action.AFFIRMED, Action.LAPSED]
    ).values_list("action", "from_status", "at"):
        steps.append(Step(at, _said(action, from_status)))
    decided = pledge.changes.filter(status=ProposedChange.Status.APPROVED, decided_at__isnull=False)
    for change in decided.only("values", "before", "logo", "remove_logo", "decided_at"):
        steps.extend(Step(change.decided_at, text) for text in _changed(change))
    steps.extend(_returns(pledge))
    return sorted(steps, key=lambda step: step.at)


def _said(action, from_status):
    if action == Action.SUBMITTED:
        return "Signed the pledge."
    if action == Action.APPROVED:
        return "Approved by our team and listed."
    if action == Action.LAPSED:
        return "The pledge lapsed: a year and the grace period passed without a check-in."
    if from_status == Status.LAPSED:
        return "Checked in and stood by the pledge again: listed again."
    return "Checked in and stood by the pledge for another year."


def _changed(change):
    """A change approved by our team: commitments added or dropped, and other details."""
    said = []
    for theme in THEMES:
        new, old = change.values.get(theme.field), change.before.get(theme.field)
        if new is True and old is False:
            said.append(f"Added a commitment: {theme.commitment}.")
        elif new is False and old is True:
            said.append(f"Dropped a commitment: {theme.commitment}.")
    # One name for each thing it updated, in order: the three "sells to" fields are one.
    others = list(dict.fromkeys(WHAT[field] for field in change.values if field in WHAT))
    if change.logo or change.remove_logo:
        others.append("logo")
    if others:
        listed = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
        said.append(f"Updated its {listed}.")
    return said


# What a change to each other public field is called in the history.
WHAT = {
    "name": "name",
    "organisation_type": "type of organisation",
    "sector": "sector",
    "size": "size",
    "district": "district",
    "website": "website",
    "statement": "statement",
    "categories": "categories of what it supplies",
    "supplies": "description of what it supplies",
    "sells_to_public_sector": "customers",
    "sells_to_businesses": "customers",
    "sells_to_public": "customers",
    "living_wage_accredited": "Living Wage accreditation",
}


def _returns(pledge):
    """The yearly impact returns it filed, when the impact app is installed."""
    if not apps.is_installed("impact"):
        return []
    model = apps.get_model("impact", "ImpactReturn")
    filed = model.objects.filter(pledge=pledge).values_list("year", "submitted_at")
    return [Step(at, f"Reported its impact for {year}/{str(year + 1)[-2:]}.") for year, at in filed]
