"""What a return asks, in one table: each measure's field, theme, words and references.

The model's fields, the form's fieldsets and help text, the public pages, the open data
and the README's schema all read this. `codes` cite the UK government's Social Value
Model (PPN 002, Open Government Licence) and the National TOMs, so that an organisation
can reuse a figure in a tender. Where a measure code could not be confirmed against a
published source, only the theme is named. The TOMs' £ proxy values are never shown:
their licence forbids publishing them.
"""

from dataclasses import dataclass

# References confirmed against published sources: PPN 002's outcome 1, "fair work",
# with its model award criteria 1a (create and retain high-quality jobs), 1c (fair pay
# practices) and 1d (in-work progression and new skills); and the National TOMs' NT1,
# local direct employment. The rest name the theme only.
SVM = "Social Value Model (PPN 002)"
TOMS = "National TOMs"


@dataclass(frozen=True)
class Measure:
    field: str
    theme: str  # the slug of the pledge's theme (pledges.themes) it reports on
    label: str  # the question, on the form and in the admin
    short: str  # the figure's name on the public pages and in the open data's schema
    help: str
    # "pounds", "people", "fte", "weeks", "hours", "tonnes", "year", "yes-no", "text", "list"
    unit: str
    codes: tuple = ()
    summed: bool = True  # added up across organisations on the impact page

    @property
    def reference(self):
        return "; ".join(self.codes)


ENVIRONMENT_CATEGORIES = [
    ("energy", "Energy"),
    ("travel", "Travel"),
    ("waste", "Waste"),
    ("local-sourcing", "Local sourcing"),
    ("nature", "Nature"),
]

MEASURES = [
    Measure(
        "total_spend",
        "local-spend",
        "Total spend with suppliers (£)",
        "Spent with suppliers",
        "Everything your organisation paid its suppliers for goods, services and works "
        "in the year, in whole pounds.",
        "pounds",
        (f"{SVM}: economic growth", f"{TOMS}: Growth theme"),
    ),
    Measure(
        "north_west_spend",
        "local-spend",
        "Spent with North West suppliers (£)",
        "Spent with North West suppliers",
        "The part of your total spent with suppliers based in the North West of England, "
        "Lancashire included.",
        "pounds",
        (f"{SVM}: economic growth", f"{TOMS}: Growth theme"),
    ),
    Measure(
        "lancashire_spend",
        "local-spend",
        "Spent with Lancashire suppliers (£)",
        "Spent with Lancashire suppliers",
        "The part of your North West spend with suppliers based in Lancashire.",
        "pounds",
        (f"{SVM}: economic growth", f"{TOMS}: Growth theme"),
    ),
    Measure(
        "small_firms_spend",
        "local-spend",
        "Spent with micro and small firms (£)",
        "Spent with micro and small firms",
        "The part of your total spent with firms of fewer than 50 people, wherever they are.",
        "pounds",
        (f"{SVM}: economic growth", f"{TOMS}: Growth theme"),
    ),
    Measure(
        "vcse_spend",
        "local-spend",
        "Spent with voluntary organisations and social enterprises (£)",
        "Spent with voluntary organisations and social enterprises",
        "The part of your total spent with charities, community groups and social enterprises.",
        "pounds",
        (f"{SVM}: economic growth", f"{TOMS}: Growth theme"),
    ),
    Measure(
        "employees",
        "living-wage",
        "People employed",
        "People employed",
        "Everyone on your payroll at the end of the year, part-time staff included.",
        "people",
        (f"{SVM}: outcome 1, fair work",),
    ),
    Measure(
        "living_wage_employees",
        "living-wage",
        "Of them, paid at least the real Living Wage",
        "People paid at least the real Living Wage",
        "How many of the people you employ are paid at least the real Living Wage set by "
        "the Living Wage Foundation.",
        "people",
        (f"{SVM}: MAC 1c, fair pay practices",),
    ),
    Measure(
        "living_wage_accredited",
        "living-wage",
        "Is your organisation accredited by the Living Wage Foundation?",
        "Accredited by the Living Wage Foundation",
        "Accredited employers are checked by the Foundation; leave it unanswered if you "
        "are not sure.",
        "yes-no",
        (f"{SVM}: MAC 1c, fair pay practices",),
        summed=False,
    ),
    Measure(
        "accredited_since",
        "living-wage",
        "Accredited since (year)",
        "Accredited since",
        "The year your accreditation began, for example 2019.",
        "year",
        summed=False,
    ),
    Measure(
        "new_jobs",
        "jobs",
        "New jobs created in Lancashire (full-time equivalent)",
        "New jobs created in Lancashire (full-time equivalent)",
        "Jobs based in Lancashire that did not exist before the year, counted as full-time "
        "equivalents: two half-time jobs are 1.0. One decimal place at most.",
        "fte",
        (f"{SVM}: MAC 1a, create and retain high-quality jobs", f"{TOMS}: NT1"),
    ),
    Measure(
        "apprenticeships",
        "jobs",
        "Apprenticeships started",
        "Apprenticeships started",
        "Apprentices who began their apprenticeship with you in the year.",
        "people",
        (f"{SVM}: MAC 1d, in-work progression and new skills", f"{TOMS}: Jobs theme"),
    ),
    Measure(
        "apprenticeship_weeks",
        "jobs",
        "Apprenticeship weeks delivered",
        "Apprenticeship weeks delivered",
        "Add up the weeks each apprentice spent with you in the year, whenever they "
        "started: one apprentice all year is 52 weeks.",
        "weeks",
        (f"{SVM}: MAC 1d, in-work progression and new skills", f"{TOMS}: Jobs theme"),
    ),
    Measure(
        "inclusive_hires",
        "jobs",
        "People hired who were long-term unemployed, or leaving care or custody",
        "People hired who were long-term unemployed, or leaving care or custody",
        "Out of work for a year or more, leaving the care system, or leaving prison or "
        "youth custody. Count each person once.",
        "people",
        (f"{SVM}: outcome 1, fair work", f"{TOMS}: Jobs theme"),
    ),
    Measure(
        "volunteering_hours",
        "volunteering",
        "Staff volunteering hours in Lancashire",
        "Staff volunteering hours in Lancashire",
        "Hours your staff gave to volunteering in Lancashire communities during working "
        "time or with your support, in whole hours.",
        "hours",
        (f"{TOMS}: Social theme",),
    ),
    Measure(
        "environment_account",
        "environment",
        "What your organisation did for the environment",
        "What it did for the environment",
        "A few sentences, up to 600 characters. Shown on your entry as you write it.",
        "text",
        (f"{SVM}: clean energy", f"{TOMS}: Environment theme"),
        summed=False,
    ),
    Measure(
        "environment_categories",
        "environment",
        "What it was about",
        "What the environmental work was about",
        "Tick all that apply.",
        "list",
        summed=False,
    ),
    Measure(
        "co2e_tonnes",
        "environment",
        "Tonnes of CO₂e cut (optional)",
        "Tonnes of CO₂e cut",
        "Only if you have measured it: the greenhouse gas emissions your work avoided in "
        "the year, in tonnes of carbon dioxide equivalent, to one decimal place.",
        "tonnes",
        (f"{SVM}: clean energy", f"{TOMS}: Environment theme"),
    ),
]

MEASURE = {measure.field: measure for measure in MEASURES}
FIELDS = [measure.field for measure in MEASURES]
SUMMED = [measure.field for measure in MEASURES if measure.summed]
