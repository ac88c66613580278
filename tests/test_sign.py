import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from pledges.models import Pledge, PledgeEvent
from pledges.tokens import make_token
from tests.factories import make_pledge, sign_up_answers

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post("/pledge/", sign_up_answers(**overrides))


def field_error(response, field):
    """The error shown beside a field (crispy-forms' markup)."""
    html = response.content.decode()
    pattern = rf'<(?:span|p) id="error_\d+_id_{field}"><strong>(.*?)</strong>'
    match = re.search(pattern, html, re.S)
    return match.group(1).strip() if match else None


def summary(response):
    html = response.content.decode()
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    if not block:
        return []
    return re.findall(r'<li><a href="#(?:id_)?([\w-]+)">(.*?)</a></li>', block.group(0))


# A question answered by choosing one of several radio buttons is linked at its first.
ANCHORS = {"organisation_type": "organisation_type_0", "size": "size_0"}


def test_form_shows_the_pledge_and_every_field(client):
    html = client.get("/pledge/").content.decode()
    assert (
        'We, <span class="pledge-wording__name" id="pledge-name" '
        'data-placeholder="[your organisation]">[your organisation]</span>, support ‘Backing'
    ) in html
    assert "insert organisation" not in html
    for label in [
        "Organisation name",
        "Type of organisation",
        "Sector",
        "Number of employees",
        "Postcode",
        "Website (optional)",
        "Companies House number (optional)",
        "Charity number (optional)",
        "Logo (optional)",
        "Why your organisation is backing Lancashire (optional)",
        "We commit to spend through local and regional firms",
        "We commit to pay the real Living Wage",
        "We commit to create jobs and apprenticeships",
        "We commit to create volunteering opportunities",
        "We commit to protect the environment",
        "Contact name",
        "Job title",
        "Email address",
        "Phone number (optional)",
        "I am authorised to sign on behalf of this organisation",
        "I agree to our organisation’s name, logo and statement, and what it supplies, being "
        "shown on the signatory wall and the supplier pages",
    ]:
        assert re.search(rf"<(?:label|legend)[^>]*>\s*{re.escape(label)}", html), label
    assert '<a href="/privacy/">privacy notice</a>' in html


def test_a_valid_pledge_is_saved_unverified_and_emailed(client, send_queued):
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == "/pledge/check-your-email/"
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.UNVERIFIED
    assert pledge.name == "Ribble Valley Bakery"
    assert pledge.slug == "ribble-valley-bakery"
    assert [theme.slug for theme in pledge.themes] == ["local-spend", "living-wage"]
    assert pledge.privacy_notice_version == "1.1" and pledge.consented_at
    assert list(pledge.events.values_list("action", "to_status")) == [("submitted", "unverified")]
    assert mail.outbox == []  # queued, not sent during the request
    send_queued()
    (message,) = mail.outbox
    assert message.to == ["jo@ribble-bakery.example"]
    assert message.subject == "Confirm your Backing Lancashire pledge"
    assert re.search(r"http://127\.0\.0\.1:8000/pledge/verify/[\w:-]+/", message.body)
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "Confirm your pledge" in html
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page


def test_the_pledge_wording_shows_the_typed_name(client):
    response = post(client, name="Pendle Widgets Ltd", email="")
    html = response.content.decode()
    assert 'data-placeholder="[your organisation]">Pendle Widgets Ltd</span>, support' in html


COMPANY = (
    "Enter a Companies House number of 8 digits, or 2 letters and 6 digits, "
    "like 01234567 or SC123456."
)
CHARITY = (
    "Enter a registered charity number, like 1234567, 1234567-1 for England and Wales, "
    "or SC012345 for Scotland."
)

REQUIRED = [
    ("name", "Enter your organisation’s name."),
    ("organisation_type", "Select the type of organisation."),
    ("sector", "Select your organisation’s sector."),
    ("size", "Select how many people your organisation employs."),
    ("postcode", "Enter your organisation’s postcode."),
    ("contact_name", "Enter the name of the person signing."),
    ("contact_role", "Enter your job title."),
    ("email", "Enter your email address."),
    ("authorised", "Confirm that you are authorised to sign for this organisation."),
    ("agreed_to_listing", "Agree to your organisation being shown on the signatory wall."),
]


@pytest.mark.parametrize("field, message", REQUIRED)
def test_required_fields(client, field, message):
    response = post(client, **{field: None})
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert (ANCHORS.get(field, field), message) in summary(response)
    assert not Pledge.objects.exists()
    assert not DBTaskResult.objects.exists()  # no email queued


BAD = [
    ("name", "   ", "Enter your organisation’s name."),
    ("name", "!!! ---", "Enter a name with at least one letter or number."),
    ("name", "x" * 201, "Enter an organisation name of 200 characters or fewer."),
    ("name", "Acme\u202eLtd", "Remove the hidden control characters from this answer."),
    ("name", "Acme\x07Ltd", "Remove the hidden control characters from this answer."),
    ("organisation_type", "pirate", "Choose one of the options."),
    ("sector", "bogus", "Choose one of the options."),
    ("size", "bogus", "Choose one of the options."),
    ("district", "manchester", "Choose one of the options."),
    ("postcode", "PR1 2AB PR1", "Enter a postcode of 10 characters or fewer."),
    ("postcode", "PR1", "Enter a real UK postcode, like PR1 2AB."),
    ("postcode", "12345", "Enter a real UK postcode, like PR1 2AB."),
    ("postcode", "QQ1 1QQ", "Enter a real UK postcode, like PR1 2AB."),
    ("website", "ftp://example.org", "Enter the website address, like https://www.example.org.uk"),
    (
        "website",
        "javascript:alert(1)",
        "Enter the website address, like https://www.example.org.uk",
    ),
    ("website", "not a website", "Enter the website address, like https://www.example.org.uk"),
    ("website", "[", "Enter the website address, like https://www.example.org.uk"),
    (
        "companies_house_number",
        "1234",
        COMPANY,
    ),
    (
        "companies_house_number",
        "SC12345X",
        COMPANY,
    ),
    (
        "companies_house_number",
        "123456789",
        COMPANY,
    ),
    (
        "charity_number",
        "12345",
        CHARITY,
    ),
    (
        "charity_number",
        "1234567-123",
        CHARITY,
    ),
    (
        "charity_number",
        "SC12345",
        CHARITY,
    ),
    ("statement", "x" * 501, "Enter a statement of 500 characters or fewer."),
    ("contact_name", "...", "Enter a name with at least one letter or number."),
    ("contact_role", "x" * 101, "Enter a job title of 100 characters or fewer."),
    ("contact_name", "x" * 101, "Enter a name of 100 characters or fewer."),
    (
        "website",
        "https://x.org/" + "x" * 300,
        "Enter a website address of 300 characters or fewer.",
    ),
    (
        "companies_house_number",
        "1" * 13,
        "Enter a Companies House number of 12 characters or fewer.",
    ),
    ("charity_number", "1" * 15, "Enter a charity number of 14 characters or fewer."),
    ("email", "a" * 300 + "@example.org", "Enter an email address of 254 characters or fewer."),
    ("email", "jo@", "Enter an email address in the right form, like name@example.org"),
    (
        "email",
        "jo bakery@example.org",
        "Enter an email address in the right form, like name@example.org",
    ),
    ("phone", "12345", "Enter a UK phone number, like 01772 123456 or 07911 123456."),
    ("phone", "+1 202 555 0143", "Enter a UK phone number, like 01772 123456 or 07911 123456."),
    ("commits_local_spend", None, None),  # see the next test
]


@pytest.mark.parametrize("field, value, message", [case for case in BAD if case[2]])
def test_bad_answers_are_refused_beside_the_field(client, field, value, message):
    response = post(client, **{field: value})
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert (ANCHORS.get(field, field), message) in summary(response)
    assert not Pledge.objects.exists()
    # Everything else the visitor typed is still there.
    html = response.content.decode()
    if field != "contact_name":
        assert 'value="Jo Baker"' in html
    if field != "statement":
        assert "We buy our flour from Lancashire mills." in html


def test_at_least_one_commitment_is_needed(client):
    response = post(client, commits_local_spend=None, commits_living_wage=None)
    assert ("commitments", "Tick at least one of the five commitments.") in summary(response)
    assert not Pledge.objects.exists()


def test_the_commitments_error_sits_on_the_group_not_the_first_box(client):
    response = post(client, commits_local_spend=None, commits_living_wage=None)
    html = response.content.decode()
    fieldset = re.search(r'<fieldset id="commitments".*?</fieldset>', html, re.S).group(0)
    # The summary links to the group, whose legend and error come before any box.
    assert re.search(r'<fieldset id="commitments"[^>]*tabindex="-1"', fieldset)
    assert re.search(r'aria-describedby="commitments-hint id_commits_local_spend_error"', fieldset)
    legend, error, first_box = (
        fieldset.index("<legend>What your organisation commits to</legend>"),
        fieldset.index('id="id_commits_local_spend_error"'),
        fieldset.index('id="id_commits_local_spend"'),
    )
    assert legend < error < first_box
    assert "Tick at least one of the five commitments." in fieldset
    assert field_error(response, "commits_local_spend") is None
    assert "is-invalid" not in fieldset


def test_error_summary_links_to_each_field_and_titles_the_page(client):
    response = post(client, name="", email="nope")
    html = response.content.decode()
    assert "<title>Error: Sign the pledge – Backing Lancashire</title>" in html
    assert '<div class="error-summary" role="alert" aria-labelledby="error-summary-title"' in html
    assert summary(response) == [
        ("name", "Enter your organisation’s name."),
        ("email", "Enter an email address in the right form, like name@example.org"),
    ]
    assert 'aria-invalid="true"' in html
    assert re.search(r'<input[^>]*name="email"[^>]*aria-describedby="[^"]*id_email_error', html)


@pytest.mark.parametrize(
    "field, typed, stored",
    [
        ("postcode", "pr1 2ab", "PR1 2AB"),
        ("postcode", "  bb72aa ", "BB7 2AA"),
        ("name", "  Ribble   Valley  Bakery ", "Ribble Valley Bakery"),
        ("website", "www.Ribble-Bakery.EXAMPLE/about", "https://www.ribble-bakery.example/about"),
        ("website", "HTTP://Example.org", "http://example.org"),
        ("email", "Jo.Baker@Ribble-Bakery.EXAMPLE", "Jo.Baker@ribble-bakery.example"),
        ("companies_house_number", "sc 123456", "SC123456"),
        ("companies_house_number", "1234567", "01234567"),
        ("companies_house_number", "12345678", "12345678"),
        ("companies_house_number", "OC301234", "OC301234"),
        ("charity_number", "1234567-1", "1234567-1"),
        ("charity_number", "sc012345", "SC012345"),
        ("charity_number", "222333", "222333"),
    ],
)
def test_good_answers_are_normalised(client, field, typed, stored):
    assert post(client, **{field: typed}).status_code == 302
    assert getattr(Pledge.objects.get(), field) == stored


@pytest.mark.parametrize("typed", ["01772 123456", "07911 123456", "+44 7911 123456"])
def test_uk_phone_numbers_are_kept_in_international_form(client, typed):
    assert post(client, phone=typed).status_code == 302
    assert str(Pledge.objects.get().phone).startswith("+44")


def test_an_active_pledge_blocks_a_second_one_case_insensitively(client):
    make_pledge(name="Ribble Valley Bakery", status=Pledge.Status.PENDING)
    response = post(client, name="RIBBLE valley bakery")
    assert field_error(response, "name") == (
        "RIBBLE valley bakery has already signed the pledge, and it is awaiting review by our team."
    )
    assert Pledge.objects.count() == 1
    assert not DBTaskResult.objects.exists()  # no email queued


def test_a_duplicate_is_named_beside_the_other_mistakes_at_once(client):
    make_pledge(name="Ribble Valley Bakery", status=Pledge.Status.PENDING)
    response = post(client, postcode="nonsense")
    assert field_error(response, "name") == (
        "Ribble Valley Bakery has already signed the pledge, and it is awaiting review by our team."
    )
    assert field_error(response, "postcode") == "Enter a real UK postcode, like PR1 2AB."
    assert Pledge.objects.count() == 1


def test_an_approved_duplicate_links_to_its_entry_and_reveals_nothing_private(client):
    existing = make_pledge(name="Ribble Valley Bakery", status=Pledge.Status.APPROVED)
    response = post(client)
    assert field_error(response, "name") == (
        "Ribble Valley Bakery has already signed the pledge: "
        f'<a href="/signatories/{existing.slug}/">see its entry on the wall</a>.'
    )
    html = response.content.decode()
    for private in (existing.email, existing.contact_name, existing.postcode):
        assert private not in html


@pytest.mark.parametrize(
    "status, words",
    [
        (Pledge.Status.APPROVED, "has already signed the pledge."),
        (
            Pledge.Status.PENDING,
            "has already signed the pledge, and it is awaiting review by our team.",
        ),
    ],
)
def test_the_same_companies_house_number_is_a_duplicate_that_leads_nowhere(client, status, words):
    # The form promises not to publish the number: it must not lead to the entry it is on.
    make_pledge(name="Acme Holdings", companies_house_number="01234567", status=status)
    response = post(client, companies_house_number="1234567")
    error = field_error(response, "companies_house_number")
    assert error == f"An organisation with this Companies House number {words}"
    assert "Acme" not in response.content.decode()
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize("status", [Pledge.Status.REJECTED, Pledge.Status.WITHDRAWN])
def test_a_rejected_or_withdrawn_organisation_may_sign_again(client, status):
    old = make_pledge(name="Ribble Valley Bakery", status=status)
    assert post(client).status_code == 302
    new = Pledge.objects.exclude(pk=old.pk).get()
    assert new.slug == "ribble-valley-bakery-2"
    assert Pledge.objects.get(pk=old.pk).slug == "ribble-valley-bakery"


def test_slugs_are_unique_and_stable(client):
    post(client, name="Acme & Sons", email="a@example.org")
    pledge = Pledge.objects.get()
    assert pledge.slug == "acme-sons"
    pledge.verify()
    pledge.refresh_from_db()
    assert pledge.slug == "acme-sons"
    post(client, name="Acme Sons", email="b@example.org")
    assert set(Pledge.objects.values_list("slug", flat=True)) == {"acme-sons", "acme-sons-2"}


def test_a_name_without_latin_letters_still_gets_a_slug(client):
    assert post(client, name="Ząbkowice Café 東京").status_code == 302
    assert Pledge.objects.get().slug == "zabkowice-cafe"
    assert post(client, name="東京", email="t@example.org").status_code == 302
    assert Pledge.objects.get(name="東京").slug == "organisation"


def test_every_submission_records_one_event(client):
    post(client)
    assert PledgeEvent.objects.count() == 1


def test_an_empty_post_shows_every_error(client):
    response = client.post("/pledge/", {})
    assert response.status_code == 200
    assert len(summary(response)) == 11  # the district is found from the postcode
    assert ("commitments", "Tick at least one of the five commitments.") in summary(response)
    assert not Pledge.objects.exists()


def test_look_alike_characters_make_the_same_name(client):
    make_pledge(name="Kx Ltd", status=Pledge.Status.PENDING)
    response = post(client, name="\u212ax Ltd")  # a Kelvin sign, not a K
    assert field_error(response, "name") == (
        "Kx Ltd has already signed the pledge, and it is awaiting review by our team."
    )
    assert Pledge.objects.count() == 1


def test_many_names_with_the_same_slug_all_get_one(client, settings):
    settings.PLEDGE_RATE_LIMIT = None
    for n in range(12):
        assert post(client, name=f"東京 {'!' * n}", email=f"t{n}@example.org").status_code == 302
    slugs = list(Pledge.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 12
    assert all(slug.startswith("organisation") for slug in slugs)


def test_a_website_that_hides_its_host_is_refused(client):
    response = post(client, website="https://www.lancashire.police.uk@evil.example/")
    assert field_error(response, "website") == (
        "Enter the website address, like https://www.example.org.uk"
    )


def test_line_breaks_count_once_in_the_statement(client):
    statement = "\r\n".join(["abcd"] * 100)  # 499 characters as a browser counts them
    assert post(client, statement=statement).status_code == 302
    assert Pledge.objects.get().statement == "\n".join(["abcd"] * 100)


@pytest.mark.parametrize("same", [{}, {"name": "Trading Name Ltd"}])
def test_an_unconfirmed_sign_up_holds_no_place_and_reveals_nothing(client, same):
    # A stranger signs with the organisation's name or Companies House number and never
    # confirms: the organisation can still sign, and hears nothing of the stranger.
    make_pledge(
        name="Ribble Valley Bakery", companies_house_number="01234567", email="x@evil.example"
    )
    response = post(client, companies_house_number="01234567", **same)
    assert response.status_code == 302, field_error(response, "name")
    assert Pledge.objects.filter(status=Pledge.Status.UNVERIFIED).count() == 2


def test_of_two_unconfirmed_sign_ups_the_first_to_confirm_wins(client):
    squatter = make_pledge(name="Ribble Valley Bakery", email="x@evil.example")
    assert post(client, name="ribble valley bakery").status_code == 302
    real = Pledge.objects.exclude(pk=squatter.pk).get()

    page = client.post(f"/pledge/verify/{make_token(real)}/")
    assert "Thank you for signing" in page.content.decode()

    # The other hears it plainly, on opening its link and on pressing the button.
    for answer in (client.get, client.post):
        page = answer(f"/pledge/verify/{make_token(squatter)}/")
        assert page.status_code == 409
        assert "Another sign-up for Ribble Valley Bakery was confirmed before this one" in (
            page.content.decode()
        )
    squatter.refresh_from_db()
    assert squatter.status == Pledge.Status.UNVERIFIED
    assert list(Pledge.objects.active()) == [real]
