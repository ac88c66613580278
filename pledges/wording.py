"""The pledge as organisations sign it, and the privacy notice version their consent names.

The wording is verbatim from the campaign's brief and must not be edited.
"""

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
