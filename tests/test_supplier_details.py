"""What a signatory says it supplies: asked on sign-up, through the manage link and at the
check-in, kept by the model's rule, and reviewed like any public change."""

import re

import pytest

from pledges.models import Pledge, ProposedChange
from pledges.tokens import make_manage_token
from tests.factories import admin_edit, make_pledge, sign_up_answers, started
from tests.test_sign import field_error, summary

pytestmark = pytest.mark.django_db

S = Pledge.Status
SIX = ["15000000", "22000000", "45000000", "55000000", "72000000", "79000000"]


def sign(client, **overrides):
    return client.post("/pledge/", sign_up_answers(**overrides))


def test_the_sign_up_form_asks_what_it_supplies(client):
    html = client.get("/pledge/").content.decode()
    assert "What you supply (optional)" in html
    assert 'value="55000000"' in html and "Hotels, catering and hospitality" in html
    assert "Who do you sell to? (optional)" in html
    assert "We are accredited by the Living Wage Foundation" in html


def test_a_sign_up_keeps_what_it_supplies(client, postcodes):
    response = sign(
        client,
        categories=["55000000", "15000000"],
        supplies="  Buffets   and hot meals ",
        sells_to_public_sector="on",
        living_wage_accredited="on",
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.categories == ["15000000", "55000000"]  # in order of code
    assert pledge.supplies == "Buffets and hot meals"
    assert pledge.sells_to_public_sector and not pledge.sells_to_public
    assert pledge.living_wage_accredited


def test_check_your_answers_shows_them_and_sends_every_category_back(client, postcodes):
    client.get("/pledge/")  # the visitor's CSRF secret, which the form's token is bound to
    visitor = client.cookies["csrftoken"].value
    answers = sign_up_answers(
        categories=["55000000", "15000000"],
        supplies="Buffets",
        started=started(60, visitor=visitor),
        confirm=None,
    )
    html = client.post("/pledge/", answers, follow=True).content.decode()
    assert "What you supply" in html and "Hotels, catering and hospitality" in html
    # The page sends back the answers as they were sent, each category among them.
    sent = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html)
    assert ("categories", "55000000") in sent and ("categories", "15000000") in sent
    data = {}
    for name, value in sent:
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    client.post("/pledge/", {**data, "confirm": "yes"})
    assert Pledge.objects.get().categories == ["15000000", "55000000"]


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        (SIX, "Choose up to 5 categories: the ones that describe most of what you supply."),
        (["12345678"], "Choose one of the options."),
    ],
)
def test_too_many_or_unknown_categories_are_refused_beside_the_question(
    client, postcodes, categories, message
):
    response = sign(client, categories=categories, supplies="Buffets")
    assert response.status_code == 200
    assert not Pledge.objects.exists()
    html = response.content.decode()
    beside = re.search(r'<div id="id_categories_error">(.*?)</div>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", beside).strip() == f"Error: {message}"
    assert ("categories", message) in summary(response)
    assert 'value="Buffets"' in response.content.decode()  # the other answers kept


def test_the_model_refuses_what_no_form_would_send():
    pledge = make_pledge(S.APPROVED)
    for bad in (SIX, ["55"], "55000000", [55000000], [["55000000"]]):
        pledge.categories = bad
        with pytest.raises(Exception) as raised:
            pledge.full_clean()
        assert "categories" in raised.value.message_dict
    pledge.categories = ["55000000", "55000000", "15000000"]
    pledge.full_clean(validate_unique=False)
    assert pledge.categories == ["15000000", "55000000"]


def test_a_description_is_one_line_of_at_most_150_characters(client, postcodes):
    response = sign(client, supplies="x" * 151)
    assert field_error(response, "supplies") == "Enter 150 characters or fewer."
    response = sign(client, supplies="Line one\r\nline two\u202e")
    assert (
        field_error(response, "supplies")
        == "Remove the hidden control characters from this answer."
    )
    client.cookies.clear()  # a new visitor: the form's token is bound to the first
    sign(client, supplies="Line one\r\nline two")
    assert Pledge.objects.get().supplies == "Line one line two"


def manage_url(pledge):
    return f"/pledge/manage/{make_manage_token(pledge)}/"


def manage_answers(pledge, **changes):
    data = {
        "name": pledge.name,
        "size": pledge.size,
        "commits_local_spend": "on",
        "contact_name": pledge.contact_name,
        "contact_role": pledge.contact_role,
        "email": pledge.email,
        "postcode": pledge.postcode,
        **changes,
    }
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_an_approved_entry_changes_what_it_supplies_only_once_reviewed(client, postcodes):
    pledge = make_pledge(S.APPROVED, categories=["15000000"], supplies="Bread")
    data = manage_answers(pledge, categories=["15000000", "55000000"], supplies="Bread, buffets")
    response = client.post(manage_url(pledge), data, follow=True)
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.categories == ["15000000"] and pledge.supplies == "Bread"
    change = ProposedChange.objects.get(pledge=pledge)
    assert change.values == {"categories": ["15000000", "55000000"], "supplies": "Bread, buffets"}
    rows = {label: (now, new) for label, now, new, _ in change.comparison()}
    assert rows["What it supplies"] == (
        "Food and drink", "Food and drink; Hotels, catering and hospitality",
    )  # fmt: skip
    # The public page and the search still show the approved version.
    assert "Bread, buffets" not in client.get("/suppliers/?q=bread").content.decode()
    # The manage page shows the change as it was left, to revise.
    assert 'value="Bread, buffets"' in client.get(manage_url(pledge)).content.decode()


def test_once_approved_the_change_is_found(client, postcodes, moderator):
    pledge = make_pledge(S.APPROVED, categories=["15000000"])
    client.post(manage_url(pledge), manage_answers(pledge, categories=["55000000"]))
    change = ProposedChange.objects.get()
    change.approve(by=moderator, seen=change.revision)
    html = client.get("/suppliers/?category=55000000").content.decode()
    assert pledge.name in html


def test_a_pending_pledge_changes_what_it_supplies_at_once(client, postcodes):
    pledge = make_pledge(S.PENDING)
    client.post(manage_url(pledge), manage_answers(pledge, categories=["45000000"]))
    pledge.refresh_from_db()
    assert pledge.categories == ["45000000"]
    assert not ProposedChange.objects.exists()


def test_the_check_in_asks_it_too_and_holds_a_change_for_review(client):
    pledge = make_pledge(S.APPROVED, categories=["15000000"], sells_to_public=True)
    url = f"/pledge/manage/{make_manage_token(pledge)}/check-in/"
    html = client.get(url).content.decode()
    assert "What you supply (optional)" in html
    data = {
        "stand_by": "on",
        "commits_local_spend": "on",
        "categories": ["15000000", "55000000"],
        "sells_to_public": "on",
        "sells_to_businesses": "on",
    }
    from impact import years

    data["impact-year"] = str(years.open_years()[0])
    response = client.post(url, data, follow=True)
    assert "Our team will check the change to your entry" in response.content.decode()
    change = ProposedChange.objects.get()
    assert change.values == {"categories": ["15000000", "55000000"], "sells_to_businesses": True}
    pledge.refresh_from_db()
    assert not pledge.sells_to_businesses


def test_checking_in_without_changing_anything_proposes_nothing(client):
    pledge = make_pledge(S.APPROVED, categories=["15000000"], supplies="Bread")
    url = f"/pledge/manage/{make_manage_token(pledge)}/check-in/"
    from impact import years

    data = {
        "stand_by": "on",
        "commits_local_spend": "on",
        "categories": ["15000000"],
        "supplies": "Bread",
        "impact-year": str(years.open_years()[0]),
    }
    client.post(url, data)
    assert not ProposedChange.objects.exists()


def test_staff_edit_what_it_supplies_in_the_admin_with_the_same_rule(mod_client):
    pledge = make_pledge(S.APPROVED)
    response, errors = admin_edit(mod_client, pledge, categories=SIX)
    assert "categories" in errors
    response, errors = admin_edit(
        mod_client, pledge, categories=["55000000"], supplies="Buffets", living_wage_accredited="on"
    )
    assert not errors, errors
    pledge.refresh_from_db()
    assert pledge.categories == ["55000000"] and pledge.living_wage_accredited


def test_the_signatory_page_says_what_it_supplies(client):
    pledge = make_pledge(
        S.APPROVED, categories=["55000000"], supplies="Buffets", sells_to_public_sector=True
    )
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "<h2>What we supply</h2>" in html
    assert 'href="/suppliers/category/55000000/"' in html
    assert "Buffets" in html and "The public sector" in html
    plain = make_pledge(S.APPROVED)
    assert "What we supply" not in client.get(plain.get_absolute_url()).content.decode()


def test_taking_back_the_living_wage_claim_shows_at_once_but_making_it_waits(client, postcodes):
    claimed = make_pledge(S.APPROVED, living_wage_accredited=True)
    client.post(manage_url(claimed), manage_answers(claimed))  # the box left unticked
    claimed.refresh_from_db()
    assert not claimed.living_wage_accredited
    assert not ProposedChange.objects.exists()
    assert "an accredited Living Wage employer" in claimed.events.last().note
    unclaimed = make_pledge(S.APPROVED)
    data = manage_answers(unclaimed, living_wage_accredited="on")
    client.post(manage_url(unclaimed), data)
    unclaimed.refresh_from_db()
    assert not unclaimed.living_wage_accredited
    assert ProposedChange.objects.get().values == {"living_wage_accredited": True}


def test_the_admin_filters_by_the_living_wage_claim(mod_client):
    make_pledge(S.APPROVED, name="Claims It", living_wage_accredited=True)
    make_pledge(S.APPROVED, name="Does Not")
    html = mod_client.get(
        "/admin/pledges/pledge/?status=all&living_wage_accredited__exact=1"
    ).content.decode()
    assert "Claims It" in html and "Does Not" not in html
