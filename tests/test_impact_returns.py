"""Impact returns: validation, one return a year, open years, moderation, the impact
page's totals and queries, the open data, and the manage-link return page."""

import csv
import io
import json
import random
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backing_lancashire import freshness
from impact import years
from impact.forms import ReturnForm
from impact.models import ImpactReturn
from impact.seed import seed_returns
from impact.templatetags.impact import impact_figures
from pledges.models import Pledge
from pledges.tokens import make_manage_token
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

ALL = {f"commits_{t}": True for t in ("local_spend", "living_wage", "jobs", "volunteering",
                                       "environment")}  # fmt: skip
YEAR = years.current()


def listed(**fields):
    return make_pledge(status=Pledge.Status.APPROVED, **{**ALL, **fields})


def make_return(pledge, year=YEAR, **figures):
    row = ImpactReturn(pledge=pledge, year=year, **figures)
    row.full_clean()
    row.save()
    return row


def post(**answers):
    return {f"impact-{k}": v for k, v in {"year": YEAR, **answers}.items()}


# The years rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2025, 6, 30), [2025, 2024]),
        (date(2026, 3, 31), [2025]),
        (date(2026, 4, 1), [2026, 2025]),
        (date(2026, 6, 30), [2026, 2025]),
        (date(2026, 7, 1), [2026]),
        (date(2027, 1, 15), [2026]),
    ],
)
def test_open_years_keep_the_last_year_open_until_30_june(today, expected):
    assert years.open_years(today) == expected


def test_a_year_is_written_as_the_financial_year():
    assert years.label(2026) == "2026/27" and years.label(2099) == "2099/00"


# Validation, through the model and through the form ---------------------------------

GOOD = {
    "total_spend": "1,000,000",
    "north_west_spend": "£600000",
    "lancashire_spend": "400000",
    "small_firms_spend": "300000",
    "vcse_spend": "20000",
    "employees": "40",
    "living_wage_employees": "40",
    "living_wage_accredited": "True",
    "accredited_since": "2019",
    "new_jobs": "2.5",
    "apprenticeships": "3",
    "apprenticeship_weeks": "120",
    "inclusive_hires": "1",
    "volunteering_hours": "320",
    "environment_account": "We moved to a renewable tariff.",
    "environment_categories": ["energy", "travel"],
    "co2e_tonnes": "12.5",
}


def test_a_full_good_return_is_saved_with_every_figure():
    pledge = listed()
    form = ReturnForm(pledge, data=post(**GOOD))
    assert form.is_valid(), form.errors
    saved = form.save()
    saved.refresh_from_db()
    assert saved.total_spend == 1_000_000 and saved.north_west_spend == 600_000
    assert saved.new_jobs == Decimal("2.5") and saved.co2e_tonnes == Decimal("12.5")
    assert saved.living_wage_accredited is True and saved.accredited_since == 2019
    assert saved.environment_categories == ["energy", "travel"]


BAD = [
    ({"total_spend": "-1"}, "total_spend", "Enter 0 or more"),
    ({"total_spend": "lots"}, "total_spend", "whole number of pounds"),
    ({"total_spend": "12.50"}, "total_spend", "whole number of pounds"),
    ({"total_spend": "99999999999"}, "total_spend", "or less"),
    ({"employees": "2000000"}, "employees", "or less"),
    ({"new_jobs": "1.25"}, "new_jobs", "one decimal place"),
    ({"new_jobs": "-0.5"}, "new_jobs", "Enter 0 or more"),
    ({"new_jobs": "1" + "0" * 20}, "new_jobs", "smaller number"),
    ({"volunteering_hours": "1e3"}, "volunteering_hours", "whole number"),
    ({"co2e_tonnes": "99999999"}, "co2e_tonnes", "or less"),
    ({"lancashire_spend": "700", "north_west_spend": "600"}, "lancashire_spend", "cannot be more"),
    ({"north_west_spend": "700", "total_spend": "600"}, "north_west_spend", "cannot be more"),
    ({"lancashire_spend": "700", "total_spend": "600"}, "lancashire_spend", "cannot be more"),
    ({"small_firms_spend": "700", "total_spend": "600"}, "small_firms_spend", "cannot be more"),
    ({"vcse_spend": "700", "total_spend": "600"}, "vcse_spend", "cannot be more"),
    ({"living_wage_employees": "11", "employees": "10"}, "living_wage_employees", "cannot be more"),
    ({"apprenticeship_weeks": "600", "employees": "10"}, "apprenticeship_weeks", "52 for each"),
    # Out of bounds: told so once, not also compared with the number employed.
    ({"apprenticeship_weeks": "999999999", "employees": "10"}, "apprenticeship_weeks",
     "or less"),
    ({"volunteering_hours": "99999999"}, "volunteering_hours",
     "staff volunteering hours in Lancashire"),
    ({"north_west_spend": "700", "total_spend": "600"}, "north_west_spend",
     "spent with suppliers"),
    ({"lancashire_spend": "700", "north_west_spend": "600"}, "lancashire_spend",
     "spent with North West suppliers"),
    ({"accredited_since": "2019"}, "accredited_since", "answer Yes"),
    ({"accredited_since": "1990", "living_wage_accredited": "True"}, "accredited_since",
     "from 2011"),
    ({"environment_account": "x" * 601}, "environment_account", "600 characters"),
    ({"environment_account": "Write to me@example.org"}, "environment_account", ""),
    ({"environment_categories": ["space"]}, "environment_categories", "categories listed"),
]  # fmt: skip


@pytest.mark.parametrize("answers, field, message", BAD)
def test_the_form_says_what_is_wrong_beside_the_field(answers, field, message):
    pledge = listed()
    form = ReturnForm(pledge, data=post(**answers))
    assert not form.is_valid()
    assert field in form.errors and message in " ".join(form.errors[field])
    assert len(form.errors[field]) == 1  # one message, not one per rule
    assert not ImpactReturn.objects.exists()


@pytest.mark.parametrize("answers, field, message", [b for b in BAD if "cannot" in b[2]])
def test_the_model_keeps_the_same_rules_for_the_admin_and_commands(answers, field, message):
    row = ImpactReturn(pledge=listed(), year=YEAR, **{k: int(v) for k, v in answers.items()})
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_parts_equal_to_their_whole_are_fine():
    row = ImpactReturn(pledge=listed(), year=YEAR, total_spend=5, north_west_spend=5,
                       lancashire_spend=5, employees=3, living_wage_employees=3)  # fmt: skip
    row.full_clean()


def test_an_empty_form_is_valid_and_saves_nothing():
    form = ReturnForm(listed(), data=post())
    assert form.is_valid() and form.save() is None
    assert not ImpactReturn.objects.exists()


def test_only_the_commitments_made_are_asked():
    pledge = listed(**{**dict.fromkeys(ALL, False), "commits_volunteering": True})
    form = ReturnForm(pledge)
    figures = set(form.fields) - {"year"}
    assert figures == {"volunteering_hours"}


# One return a year, open years only ----------------------------------------------------


def test_sending_again_edits_the_years_return():
    pledge = listed()
    first = ReturnForm(pledge, data=post(volunteering_hours="10"))
    assert first.is_valid()
    first.save()
    form = ReturnForm(pledge, data=post(volunteering_hours="25"))
    assert form.initial.get("volunteering_hours") == 10
    assert form.is_valid()
    form.save()
    assert list(ImpactReturn.objects.values_list("year", "volunteering_hours")) == [(YEAR, 25)]


def test_a_closed_year_is_refused():
    pledge = listed()
    form = ReturnForm(pledge, data=post(year=YEAR - 2, volunteering_hours="5"))
    assert not form.is_valid()
    assert "still open" in form.errors["year"][0]
    assert not ImpactReturn.objects.exists()


def test_the_year_select_offers_the_open_years_only():
    form = ReturnForm(listed(), today=date(2026, 5, 1))
    assert form.fields["year"].choices == [(2026, "2026/27"), (2025, "2025/26")]


# Moderation --------------------------------------------------------------------------


def test_a_hidden_figure_counts_nowhere_and_the_organisation_is_told_once(client, send_queued):
    pledge = listed(name="Hidden Figures Ltd")
    row = make_return(pledge, volunteering_hours=777, apprenticeships=4)
    assert row.moderate(["volunteering_hours"], "Seven hundred hours looks like a slip.")
    row.moderate(["volunteering_hours"], "Seven hundred hours looks like a slip.")  # again
    send_queued()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pledge.email]
    assert "Staff volunteering hours in Lancashire" in message.body
    assert "looks like a slip" in message.body and "reply" in message.body
    assert message.reply_to  # to the Office, not the no-reply sender
    # Without the static files' addresses, whose hashes may hold any digits.
    page = re.sub(r"/static/[^\"]+", "", client.get("/impact/").content.decode())
    assert "777" not in page and "4 apprenticeships started" in page
    assert "777" not in client.get("/impact.csv").getvalue().decode()
    data = json.loads(client.get("/impact.json").getvalue())
    assert data["returns"][0]["volunteering_hours"] is None
    assert data["totals"][0]["volunteering_hours_reported"] == 0
    shown = impact_figures(pledge)["years"][0][1]
    assert "Staff volunteering hours in Lancashire" not in [label for label, _, _ in shown]


def test_hiding_needs_a_note():
    row = make_return(listed(), volunteering_hours=5)
    row.hidden = ["volunteering_hours"]
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "hidden_note" in error.value.message_dict


# Which returns count, and the totals ----------------------------------------------------


@pytest.mark.parametrize(
    "status, counted",
    [
        (Pledge.Status.APPROVED, True),
        (Pledge.Status.LAPSED, False),  # counted again once it checks in
        (Pledge.Status.WITHDRAWN, False),
        (Pledge.Status.REJECTED, False),
        (Pledge.Status.PENDING, False),
    ],
)
def test_only_approved_pledges_returns_count(client, status, counted):
    pledge = make_pledge(status=Pledge.Status.APPROVED, **ALL)
    make_return(pledge, volunteering_hours=4321)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    freshness.changed()
    assert ("4,321" in client.get("/impact/").content.decode()) is counted
    assert (pledge.name in client.get("/impact.csv").getvalue().decode()) is counted


def test_the_totals_match_the_database(client):
    rows = [
        make_return(listed(), total_spend=1000, north_west_spend=800, lancashire_spend=500,
                    apprenticeships=2, volunteering_hours=10, new_jobs=Decimal("1.5")),
        make_return(listed(), total_spend=3000, lancashire_spend=1000, apprenticeships=1,
                    new_jobs=Decimal("2.0")),
        make_return(listed(), year=YEAR - 1, volunteering_hours=99),
    ]  # fmt: skip
    assert rows
    data = json.loads(client.get("/impact.json").getvalue())
    this, last = data["totals"]
    assert this["year"] == YEAR and this["returns"] == 2
    assert this["total_spend_total"] == 4000 and this["total_spend_reported"] == 2
    assert this["lancashire_spend_total"] == 1500 and this["apprenticeships_total"] == 3
    assert this["new_jobs_total"] == 3.5 and this["volunteering_hours_reported"] == 1
    assert this["lancashire_share_pct"] == 37.5  # 1,500 of 4,000
    assert this["north_west_share_pct"] == 80.0  # only the return that gave both
    assert last["volunteering_hours_total"] == 99
    page = client.get("/impact/").content.decode()
    assert (
        f"In {years.label(YEAR)}, 2 signatories reported £1.5k spent with Lancashire "
        "suppliers, 3 apprenticeships started and 10 volunteering hours." in page
    )
    assert page.index(years.label(YEAR)) < page.index(years.label(YEAR - 1))
    assert "self-reported" in page and "<svg" in page


def test_the_impact_page_costs_the_same_queries_for_few_and_many(client):
    def queries():
        caches["default"].clear()
        caches["pages"].clear()
        freshness.forget()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/impact/").status_code == 200
        return len(captured)

    make_return(listed(), volunteering_hours=1)
    few = queries()
    for n in range(30):
        make_return(listed(), year=YEAR - n % 3, volunteering_hours=n, total_spend=n)
    assert queries() == few <= 3
    client.get("/impact/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/impact/")
    assert len(captured) == 0  # served from the page cache


# Open data ----------------------------------------------------------------------------


def test_the_csv_is_formula_safe_with_a_bom_and_no_contact_details(client):
    pledge = listed(name="=SUM(A1) Trading")
    make_return(pledge, environment_account="+44 is not a formula here either",
                environment_categories=["energy"], volunteering_hours=3)  # fmt: skip
    body = client.get("/impact.csv").getvalue().decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["name"] == "'=SUM(A1) Trading"
    assert record["environment_account"].startswith("'+")
    assert (
        record["year_label"] == years.label(YEAR) and record["environment_categories"] == "energy"
    )
    for private in (pledge.email, pledge.contact_name, str(pledge.phone), pledge.postcode):
        assert private not in body
    totals = client.get("/impact-totals.csv").getvalue().decode()
    assert totals.startswith("\ufeffyear,year_label,returns")


def test_nothing_private_in_the_json_or_the_pages(client):
    pledge = listed()
    make_return(pledge, volunteering_hours=3)
    texts = [
        client.get("/impact.json").getvalue().decode(),
        client.get("/impact/").content.decode(),
        client.get("/data/").content.decode(),
    ]
    for text in texts:
        for private in (pledge.email, pledge.contact_name, pledge.contact_role, pledge.postcode):
            assert private not in text


def test_the_data_page_lists_the_impact_downloads_and_fields(client):
    page = client.get("/data/").content.decode()
    for text in ("/impact.csv", "/impact.json", "/impact-totals.csv", "lancashire_spend",
                 "lancashire_share_pct", "MAC 1c"):  # fmt: skip
        assert text in page


# The signatory's own figures ----------------------------------------------------------


def test_the_signatory_tag_shows_its_figures_by_year():
    pledge = listed()
    assert impact_figures(pledge)["years"] == []
    make_return(pledge, year=YEAR - 1, total_spend=1500)
    make_return(pledge, volunteering_hours=1200, living_wage_accredited=False)
    shown = impact_figures(pledge)["years"]
    assert [label for label, _ in shown] == [years.label(YEAR), years.label(YEAR - 1)]
    assert ("Staff volunteering hours in Lancashire", "1,200", "hours") in shown[0][1]
    assert ("Accredited by the Living Wage Foundation", "No", "yes-no") in shown[0][1]
    assert ("Spent with suppliers", "£1,500", "pounds") in shown[1][1]
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    pledge.refresh_from_db()
    assert impact_figures(pledge)["years"] == []


# The manage-link return page -----------------------------------------------------------


def test_the_return_page_saves_and_thanks_naming_the_year(client):
    pledge = listed(**{**dict.fromkeys(ALL, False), "commits_volunteering": True})
    url = f"/pledge/manage/{make_manage_token(pledge)}/impact/"
    page = client.get(url)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex, nofollow"
    assert "Staff volunteering hours" in page.content.decode()
    assert "Total spend" not in page.content.decode()
    response = client.post(url, post(volunteering_hours="42"))
    assert response.status_code == 302
    after = client.get(response["Location"]).content.decode()
    assert f"Your figures for {years.label(YEAR)} are saved" in after
    assert ImpactReturn.objects.get().volunteering_hours == 42


def test_the_return_page_shows_errors_beside_fields_and_keeps_answers(client):
    pledge = listed()
    url = f"/pledge/manage/{make_manage_token(pledge)}/impact/"
    html = client.post(url, post(employees="5", living_wage_employees="9")).content.decode()
    assert "There is a problem" in html and 'href="#id_impact-living_wage_employees"' in html
    assert 'value="9"' in html and not ImpactReturn.objects.exists()


def test_a_pending_pledge_s_return_page_leads_to_its_manage_page(client):
    pledge = make_pledge(status=Pledge.Status.PENDING, **ALL)
    token = make_manage_token(pledge)
    response = client.get(f"/pledge/manage/{token}/impact/")
    assert response.status_code == 302 and response["Location"] == f"/pledge/manage/{token}/"


def test_a_withdrawn_pledge_s_return_page_says_it_was_withdrawn(client):
    pledge = make_pledge(status=Pledge.Status.APPROVED, **ALL)
    token = make_manage_token(pledge)
    pledge.withdraw()
    response = client.get(f"/pledge/manage/{token}/impact/")
    assert response.status_code == 410 and b"Report your impact" not in response.content


def test_the_return_page_refuses_a_bad_token(client):
    response = client.get("/pledge/manage/not-a-token/impact/")
    assert response.status_code == 400 and b"This link does not work" in response.content


def test_seeded_returns_keep_the_rules():
    pledges = [listed() for _ in range(20)]
    rng = random.Random(1)  # noqa: S311 - demo data
    made = seed_returns(Pledge.objects.filter(pk__in=[p.pk for p in pledges]), rng)
    assert made == ImpactReturn.objects.count() > 0
    for row in ImpactReturn.objects.all():
        row.full_clean()


# The admin -----------------------------------------------------------------------------


def test_a_moderator_hides_a_figure_in_the_admin_with_a_note(mod_client, send_queued):
    row = make_return(listed(), volunteering_hours=900, apprenticeships=2)
    url = f"/admin/impact/impactreturn/{row.pk}/change/"
    listing = mod_client.get("/admin/impact/impactreturn/?year=" + str(YEAR))
    assert listing.status_code == 200 and row.pledge.name in listing.content.decode()
    assert mod_client.get("/admin/impact/impactreturn/?q=" + row.pledge.name).status_code == 200
    refused = mod_client.post(url, {"hidden": ["volunteering_hours"], "hidden_note": ""})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    row.refresh_from_db()
    assert row.hidden == []
    done = mod_client.post(url, {"hidden": ["volunteering_hours"], "hidden_note": "Too many."})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.hidden == ["volunteering_hours"] and row.volunteering_hours == 900
    send_queued()
    assert len(mail.outbox) == 1 and "Too many." in mail.outbox[0].body
    assert mod_client.get("/admin/impact/impactreturn/add/").status_code == 403


def test_emptying_a_return_cannot_unhide_a_figure_a_moderator_hid():
    pledge = listed()
    row = make_return(pledge, total_spend=9_000_000, volunteering_hours=10)
    row.moderate(["total_spend"], "Nine million looks like a slip.")
    empty = ReturnForm(pledge, data=post())
    assert empty.is_valid() and empty.save() is None
    again = ReturnForm(pledge, data=post(total_spend="9000000"))
    assert again.is_valid()
    saved = again.save()
    assert saved.hidden == ["total_spend"] and saved.hidden_note
