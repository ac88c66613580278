"""Each pledge field's rule holds on every path: the sign-up form, the manage form, the
admin and the commands all go through the model's own validation (pledges.validators)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pledges.forms import ManageForm, PledgeForm
from pledges.management.commands import seed_signatories
from pledges.models import Pledge
from tests.factories import admin_edit, make_pledge, sign_up_answers

pytestmark = pytest.mark.django_db

S = Pledge.Status

# What a person types, and what is stored.
TIDIED = [
    ("companies_house_number", "sc123456", "SC123456"),
    ("companies_house_number", "1234567", "01234567"),
    ("companies_house_number", "SC 12 34 56", "SC123456"),
    ("charity_number", "sc 012345", "SC012345"),
    ("name", "  Fylde\u00a0  Fabrics  Ltd ", "Fylde Fabrics Ltd"),
    ("name", "\u212aendal Mint", "Kendal Mint"),  # a Kelvin sign folded to K
    ("name", "Burnley\u200b Theatre\ufeff", "Burnley Theatre"),  # zero-width space, BOM
    ("companies_house_number", "１２３４５６７", "01234567"),  # full-width digits
    ("website", "HTTPS://Fylde-Fabrics.EXAMPLE/About", "https://fylde-fabrics.example/About"),
    (
        "website",
        "https://Fylde-Fabrics.EXAMPLE?Ref=AbC#Top",
        "https://fylde-fabrics.example?Ref=AbC#Top",
    ),
    ("email", "Jo@Fylde-Fabrics.EXAMPLE", "Jo@fylde-fabrics.example"),
    ("postcode", "fy84ab", "FY8 4AB"),
]

# What a person types, and the message beside the field.
REFUSED = [
    ("name", "Fylde\x07 Fabrics", "Remove the hidden control characters from this answer."),
    ("name", "Fylde \u202eFabrics", "Remove the hidden control characters from this answer."),
    ("name", "!!!", "Enter a name with at least one letter or number."),
    ("name", "Fylde\u200fFabrics", "Remove the hidden control characters from this answer."),
    ("companies_house_number", "ABC", "Enter a Companies House number of 8 digits"),
    ("companies_house_number", "٠١٢٣٤٥٦٧", "Enter a Companies House number of 8 digits"),
    ("charity_number", "١٢٣٤٥٦٧", "Enter a registered charity number"),
    ("email", "jo@fylde\u202efabrics.example", "Remove the hidden control characters"),
    ("charity_number", "12", "Enter a registered charity number"),
    ("website", "https://www.lancashire.police.uk@evil.example", "Enter the website address"),
    ("postcode", "XX1 1XX1", "Enter a real UK postcode, like PR1 2AB."),
    ("phone", "+33 6 12 34 56 78", "Enter a UK phone number"),
    ("phone", "12345", "Enter a UK phone number"),
    *[
        (field, name, "Enter the name only, without a web address, email address or phone number")
        for field in ("name", "contact_name")
        for name in [
            "Visit https://evil.example/refund now Ltd",
            "www.evil.example Ltd",
            "evil.example/refund Ltd",
            "Write to claims@evil.example",
            "URGENT call 0800 123 4567",
            "Call (01772) 12-34-56",
        ]
    ],
]
# Names that look a little like those, and are names.
NAMES = [
    "Booking.com",
    "3M United Kingdom",
    "Route 66 Diner",
    "A1 Taxis & Co. Ltd",
    "1-2-3 Nursery",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_with_dots_and_numbers_are_still_names(name):
    form = PledgeForm(sign_up_answers(name=name))
    assert form.is_valid(), form.errors


def messages(errors, field):
    return " ".join(str(message) for message in errors.get(field, []))


@pytest.mark.parametrize("field, typed, stored", TIDIED)
def test_the_admin_stores_each_answer_as_the_sign_up_form_does(
    mod_client, send_queued, field, typed, stored
):
    form = PledgeForm(sign_up_answers(**{field: typed}))
    assert form.is_valid(), form.errors
    signed = form.save()
    assert getattr(signed, field) == stored
    signed.delete()  # so that it holds no place the next pledge wants

    pledge = make_pledge(status=S.PENDING)
    response, errors = admin_edit(mod_client, pledge, **{field: typed})
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert getattr(pledge, field) == stored


@pytest.mark.parametrize("field, typed, message", REFUSED)
def test_the_admin_refuses_each_answer_the_sign_up_form_refuses(mod_client, field, typed, message):
    form = PledgeForm(sign_up_answers(**{field: typed}))
    assert message in messages(form.errors, field)

    pledge = make_pledge(status=S.PENDING)
    before = {name: getattr(pledge, name) for name in ("name", field)}
    response, errors = admin_edit(mod_client, pledge, **{field: typed})
    assert response.status_code == 200
    assert message in messages(errors, field)
    pledge.refresh_from_db()
    assert {name: getattr(pledge, name) for name in before} == before
    assert not pledge.events.filter(action="updated").exists()


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("name", "kendal mint co", "Kendal Mint Co has already signed the pledge: <a href"),
        ("name", "Kendal\u200b Mint Co", "Kendal Mint Co has already signed the pledge: <a href"),
        (
            "companies_house_number",
            "sc123456",
            "An organisation with this Companies House number has already signed the pledge",
        ),
    ],
)
def test_a_duplicate_of_an_active_organisation_gets_one_answer_everywhere(
    mod_client, field, typed, message
):
    make_pledge(status=S.APPROVED, name="Kendal Mint Co", companies_house_number="SC123456")

    # Sign-up: the form has another mistake, so it checks before anything is saved.
    form = PledgeForm(sign_up_answers(**{field: typed, "contact_role": ""}))
    assert message in messages(form.errors, field)

    pledge = make_pledge(status=S.PENDING)
    response, errors = admin_edit(mod_client, pledge, **{field: typed})
    assert message in messages(errors, field)
    pledge.refresh_from_db()
    assert getattr(pledge, field) != typed.upper()

    if field == "name":  # the only one of the two an organisation may change itself
        own = make_pledge(status=S.APPROVED)
        answers = {"name": typed, "size": own.size, "commits_jobs": "on"}
        form = ManageForm(answers, instance=own)
        assert message in messages(form.errors, "name")


def test_a_withdrawn_pledge_may_share_a_name_with_an_active_one(mod_client):
    make_pledge(status=S.APPROVED, name="Kendal Mint Co")
    withdrawn = make_pledge(status=S.WITHDRAWN)
    response, errors = admin_edit(mod_client, withdrawn, name="Kendal Mint Co")
    assert response.status_code == 302, errors


def test_the_manage_form_leaves_the_pledge_as_stored_until_it_is_applied():
    pledge = make_pledge(status=S.APPROVED, name="Kendal Mint Co")
    answers = {"name": " kendal\u00a0mint co ", "size": "large", "commits_jobs": "on"}
    contact = {f: str(getattr(pledge, f)) for f in ("contact_name", "contact_role", "email")}
    form = ManageForm({**answers, **contact}, instance=pledge)
    assert form.is_valid(), form.errors
    assert form.changes()["name"] == "kendal mint co"
    assert (pledge.name, pledge.size) == ("Kendal Mint Co", "micro")


def test_seed_signatories_keeps_the_rules(monkeypatch):
    monkeypatch.setattr(seed_signatories, "STATEMENTS", ["Hidden \x07 bell."])
    with pytest.raises(ValidationError, match="hidden control characters"):
        call_command("seed_signatories", 1, verbosity=0)
    assert not Pledge.objects.exists()


def test_a_statement_with_line_breaks_counts_as_the_sign_up_form_counts_it(mod_client):
    statement = "\r\n".join(["x" * 95] * 5) + "xxxxx"  # 500 characters, 505 as sent
    form = PledgeForm(sign_up_answers(statement=statement))
    assert form.is_valid(), form.errors
    pledge = form.save()
    Pledge.objects.filter(pk=pledge.pk).update(status=S.PENDING)

    response, errors = admin_edit(mod_client, pledge, statement=statement, moderator_note="Rang.")
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert pledge.statement == statement.replace("\r\n", "\n")
    # Sent back as the browser sends it, the statement has not changed.
    assert pledge.events.get(action="updated").note == "Changed in the admin: moderator_note."


def test_pledges_come_only_through_the_sign_up_form(mod_client):
    assert mod_client.get("/admin/pledges/pledge/add/").status_code == 403


def test_the_admin_offers_the_public_page_only_of_an_approved_pledge(mod_client, pending, approved):
    for pledge, shown in ((pending, False), (approved, True)):
        html = mod_client.get(f"/admin/pledges/pledge/{pledge.pk}/change/").content.decode()
        assert html.count("View on site") == shown


@pytest.mark.parametrize(
    "field, typed", [("postcode", "NOTACODE1"), ("companies_house_number", "ABCDEFGHIJ")]
)
def test_a_code_in_the_wrong_form_gets_one_message(field, typed):
    form = PledgeForm(sign_up_answers(**{field: typed}))
    assert len(form.errors[field]) == 1, form.errors[field]
