"""The five themes of the pledge: one table for the model's fields, every label and the open data.

Each theme is a commitment an organisation may make (a BooleanField named by `field`),
a value of the wall's `commitment` filter and of the open data (`slug`), and a section
of the campaign's own text (`title`, `summary`, `for_signatories`).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    slug: str
    title: str  # "Spending locally": headings, and the model field's name
    short: str  # "Local spend": the wall's badges
    commitment: str  # "spend through local and regional firms": after "We commit to"
    summary: str
    for_signatories: str

    @property
    def field(self):
        return "commits_" + self.slug.replace("-", "_")

    @property
    def verbose_name(self):
        """The title in the middle of a sentence, as Django writes a field's name."""
        return self.title[0].lower() + self.title[1:]


THEMES = (
    Theme(
        "local-spend",
        "Spending locally",
        "Local spend",
        "spend through local and regional firms",
        "Buying through local and regional firms, so that the value of what is spent "
        "stays in Lancashire and the wider North West.",
        "Look first to suppliers in Lancashire and the North West when you buy goods "
        "and services, and ask your own suppliers to do the same.",
    ),
    Theme(
        "living-wage",
        "Paying the real Living Wage",
        "Living Wage",
        "pay the real Living Wage",
        "Paying the real Living Wage, as set out by the Living Wage Foundation.",
        "Pay your own staff at least the real Living Wage, and encourage the firms "
        "you buy from to do the same.",
    ),
    Theme(
        "jobs",
        "Creating jobs and apprenticeships",
        "Jobs",
        "create jobs and apprenticeships",
        "Creating jobs and apprenticeships for people in the county.",
        "Create jobs and apprenticeships in Lancashire, and help local people into them.",
    ),
    Theme(
        "volunteering",
        "Creating volunteering opportunities",
        "Volunteering",
        "create volunteering opportunities",
        "Creating opportunities to volunteer in local communities.",
        "Give your staff time and chances to volunteer in their communities, and "
        "offer volunteering opportunities of your own.",
    ),
    Theme(
        "environment",
        "Protecting the environment",
        "Environment",
        "protect the environment",
        "Supporting businesses that focus on protecting the environment.",
        "Reduce the harm your organisation does to the environment, and favour "
        "suppliers who do the same.",
    ),
)

THEME = {theme.slug: theme for theme in THEMES}
COMMITMENT_FIELDS = [theme.field for theme in THEMES]
