"""Fixed campaign wording from the client's brief.

The pledge wording and the hashtag are verbatim and must not be edited; the
figures and quotes live in the database so that staff can keep them current.
"""

from dataclasses import dataclass

HASHTAG = "#BackingLancashire"

# Organisations sign exactly this, with their own name in place of the placeholder.
PLEDGE_PLACEHOLDER = "(insert organisation)"
PLEDGE_WORDING = (
    "We {organisation} support ‘Backing Lancashire’ and wherever possible aim to ensure "
    "our procurement, commissioning and general business activity maximises social, "
    "economic and environmental benefit within the county and the wider North West region."
)

# Bumped whenever the privacy notice changes, so each consent records what was agreed to.
PRIVACY_NOTICE_VERSION = "1.0"
PRIVACY_NOTICE_UPDATED = "25 November 2026"


def pledge_text(organisation: str = PLEDGE_PLACEHOLDER) -> str:
    return PLEDGE_WORDING.format(organisation=organisation)


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str
    summary: str
    for_signatories: str


THEMES = (
    Theme(
        "local-spend",
        "Spending locally",
        "Buying through local and regional firms, so that the value of what is spent "
        "stays in Lancashire and the wider North West.",
        "Look first to suppliers in Lancashire and the North West when you buy goods "
        "and services, and ask your own suppliers to do the same.",
    ),
    Theme(
        "living-wage",
        "Paying the real Living Wage",
        "Paying the real Living Wage, as set out by the Living Wage Foundation.",
        "Pay your own staff at least the real Living Wage, and encourage the firms "
        "you buy from to do the same.",
    ),
    Theme(
        "jobs",
        "Creating jobs and apprenticeships",
        "Creating jobs and apprenticeships for people in the county.",
        "Create jobs and apprenticeships in Lancashire, and help local people into them.",
    ),
    Theme(
        "volunteering",
        "Creating volunteering opportunities",
        "Creating opportunities to volunteer in local communities.",
        "Give your staff time and chances to volunteer in their communities, and "
        "offer volunteering opportunities of your own.",
    ),
    Theme(
        "environment",
        "Protecting the environment",
        "Supporting businesses that focus on protecting the environment.",
        "Reduce the harm your organisation does to the environment, and favour "
        "suppliers who do the same.",
    ),
)
