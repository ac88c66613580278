"""The pledge as organisations sign it, and the privacy notice version their consent names.

The wording is verbatim from the campaign's brief and must not be edited.
"""

from django.conf import settings

# Organisations sign exactly this, with their own name in place of the placeholder.
# The placeholder is what a reader sees before a name is given: it says whose name goes
# there, in the brackets that mark a gap to fill.
PLEDGE_PLACEHOLDER = "[your organisation]"
PLEDGE_WORDING = (
    "We, {organisation}, support ‘Backing Lancashire’ and wherever possible aim to ensure "
    "our procurement, commissioning and general business activity maximises social, "
    "economic and environmental benefit within the county and the wider North West region."
)

# How many working days our team usually takes to check a pledge, until the site's
# settings say (REVIEW_DAYS).
REVIEW_DAYS = 5

# Bumped whenever the privacy notice changes, so each consent records what was agreed to.
PRIVACY_NOTICE_VERSION = "1.1"  # 1.1: what an organisation supplies, and distances
PRIVACY_NOTICE_UPDATED = "30 November 2026"


def pledge_text(organisation: str = PLEDGE_PLACEHOLDER) -> str:
    return PLEDGE_WORDING.format(organisation=organisation)


def pledge_parts() -> tuple[str, str]:
    """The wording before and after the organisation's name, for pages that show the
    name apart from the words around it (the sign-up form fills it in as it is typed)."""
    before, after = PLEDGE_WORDING.split("{organisation}")
    return before, after


def review_days() -> int:
    return getattr(settings, "REVIEW_DAYS", REVIEW_DAYS)
