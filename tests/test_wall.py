import re

import pytest
from django.core.management import call_command

from pledges.models import Pledge
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def names(response):
    return re.findall(
        r'<h3 class="signatory__name"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def count_line(response):
    return re.search(
        r'<p class="wall-count" role="status">\s*(.*?)\s*</p>', response.content.decode(), re.S
    ).group(1)


@pytest.fixture
def signatories():
    common = {"status": S.APPROVED}
    return [
        make_pledge(**common, name="Alpha Bakery", district="preston", sector="hospitality",
                    organisation_type="business", size="micro", commits_living_wage=True),
        make_pledge(**common, name="Beta Builders", district="pendle", sector="construction",
                    organisation_type="business", size="large", commits_environment=True),
        make_pledge(**common, name="Gamma Charity", district="preston", sector="health",
                    organisation_type="charity", size="small", commits_jobs=True),
    ]  # fmt: skip


def test_the_wall_lists_the_signatories(client, signatories):
    # That it lists approved ones only: test_privacy.py.
    response = client.get("/signatories/")
    assert response.status_code == 200
    assert names(response) == ["Alpha Bakery", "Beta Builders", "Gamma Charity"]
    assert count_line(response) == "Showing 1–3 of 3 signatories"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=bakery", ["Alpha Bakery"]),
        ("q=  BETA   ", ["Beta Builders"]),
        ("district=preston", ["Alpha Bakery", "Gamma Charity"]),
        ("sector=construction", ["Beta Builders"]),
        ("type=charity", ["Gamma Charity"]),
        ("size=large", ["Beta Builders"]),
        ("commitment=living-wage", ["Alpha Bakery"]),
        ("commitment=environment", ["Beta Builders"]),
        ("district=preston&type=charity", ["Gamma Charity"]),
        ("district=preston&sector=construction", []),
        ("sort=name", ["Alpha Bakery", "Beta Builders", "Gamma Charity"]),
    ],
)
def test_search_and_filters(client, signatories, query, expected):
    assert names(client.get(f"/signatories/?{query}")) == expected


def test_newest_first(client, signatories):
    for days, pledge in enumerate(signatories):
        Pledge.objects.filter(pk=pledge.pk).update(
            approved_at=pledge.approved_at.replace(year=2020 + days)
        )
    assert names(client.get("/signatories/?sort=newest")) == [
        "Gamma Charity", "Beta Builders", "Alpha Bakery"
    ]  # fmt: skip


def test_no_match_says_so(client, signatories):
    response = client.get("/signatories/?q=zzz")
    assert "No signatories match." in count_line(response)


@pytest.fixture
def hundred(settings):
    call_command("seed_signatories", 100, verbosity=0)


@pytest.mark.parametrize(
    "page, shown",
    [
        ("1", "Showing 1–48 of 100 signatories"),
        ("2", "Showing 49–96 of 100 signatories"),
        ("3", "Showing 97–100 of 100 signatories"),
        ("4", "Showing 97–100 of 100 signatories"),  # past the end: the last page
        ("0", "Showing 1–48 of 100 signatories"),
        ("-7", "Showing 1–48 of 100 signatories"),
        ("two", "Showing 1–48 of 100 signatories"),
        ("", "Showing 1–48 of 100 signatories"),
        ("1e9", "Showing 1–48 of 100 signatories"),
        ("99999999999999999999999", "Showing 97–100 of 100 signatories"),
    ],
)
def test_pagination_edges(client, hundred, page, shown):
    response = client.get(f"/signatories/?page={page}")
    assert response.status_code == 200
    assert count_line(response) == shown


def test_page_links_keep_the_filters(client, hundred):
    html = client.get("/signatories/?sort=newest&page=2").content.decode()
    assert 'href="?sort=newest&amp;page=3" rel="next"' in html
    assert 'href="?sort=newest&amp;page=1" rel="prev"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2</a>' in html


@pytest.mark.parametrize(
    "query",
    [
        "district=<script>alert(1)</script>",
        "district=manchester",
        "sector=%00",
        "q=%00%01%02",
        "q=" + "x" * 5000,
        "sort=drop%20table%20pledges",
        "commitment=everything",
        "type[]=charity",
        "size=large&size=micro",
        "page=1&page=2",
        "q=%F0%9F%8C%B9%20rose",
        "q=%E2%80%AE",
        "q=%ff%fe",
        "district=preston%27%20OR%201%3D1--",
        "utm_source=newsletter&fbclid=abc",
    ],
)
def test_hostile_or_unknown_query_strings_are_ignored(client, signatories, query):
    response = client.get(f"/signatories/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_bad_value_is_dropped_but_good_ones_still_apply(client, signatories):
    assert names(client.get("/signatories/?district=preston&sector=nonsense")) == [
        "Alpha Bakery", "Gamma Charity"
    ]  # fmt: skip


def test_cards_have_a_monogram_or_a_lazy_logo_of_fixed_size(client, signatories, settings):
    from django.core.files.base import ContentFile

    from tests.factories import image_bytes

    Pledge.objects.get(name="Beta Builders").logo.save("b.png", ContentFile(image_bytes()))
    html = client.get("/signatories/").content.decode()
    assert re.search(r'<img class="signatory__logo" src="/media/logos/\w+\.png" alt="" '
                     r'width="64" height="64" loading="lazy">', html)  # fmt: skip
    assert '<span class="signatory__logo monogram monogram--' in html
    assert ">AB</span>" in html  # Alpha Bakery


def test_the_filter_form_works_without_javascript(client, signatories):
    html = client.get("/signatories/?district=pendle").content.decode()
    assert '<form method="get" action="/signatories/" class="wall-filters">' in html
    assert '<option value="pendle" selected>Pendle</option>' in html
    assert "Clear filters" in html


def test_the_signatory_page_has_everything_public(client):
    pledge = make_pledge(status=S.APPROVED, statement="We buy local.", website="https://x.example",
                         commits_jobs=True)  # fmt: skip
    html = client.get(f"/signatories/{pledge.slug}/").content.decode()
    for text in (pledge.name, "We buy local.", "Preston",
                 "Building and construction, including trades", "Micro (0–9 employees)",
                 "We commit to create jobs and apprenticeships.", "Date signed",
                 'href="https://x.example" rel="nofollow noopener"', "twitter.com/intent/tweet",
                 f"/signatories/{pledge.slug}/certificate/", "badge.svg"):  # fmt: skip
        assert text in html, text


def test_the_certificate_is_printable(client):
    pledge = make_pledge(status=S.APPROVED, commits_environment=True)
    html = client.get(f"/signatories/{pledge.slug}/certificate/").content.decode()
    assert "Certificate of pledge" in html and pledge.wording in html
    assert "Protect the environment" in html


def test_the_badge_is_an_svg(client, approved):
    response = client.get(f"/signatories/{approved.slug}/badge.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert b"Backing" in response.content and b"<script" not in response.content


def test_the_filters_show_each_choice_and_remember_no_made_up_value(client, signatories):
    from pledges.forms import drawn_select

    drawn_select.cache_clear()
    html = client.get("/signatories/?district=pendle&size=small&sort=newest").content.decode()
    assert '<option value="pendle" selected>Pendle</option>' in html
    assert '<option value="newest" selected>Newest first</option>' in html
    html = client.get("/signatories/?district=lancaster").content.decode()
    assert '<option value="lancaster" selected>Lancaster</option>' in html
    assert '<option value="pendle" selected>' not in html
    client.get("/signatories/?district=made-up&sector=x")
    remembered = drawn_select.cache_info().currsize
    for n in range(20):
        client.get(f"/signatories/?district=made-up-{n}&sector=x{n}")
    assert drawn_select.cache_info().currsize == remembered


def test_a_long_or_odd_search_is_read_as_the_box_allows_and_shows_no_error(client, signatories):
    # As the search box allows: 100 characters, no control characters; never an error
    # (whose message the page would point to but not show).
    html = client.get("/signatories/", {"q": "bakery " + "x" * 120}).content.decode()
    assert 'value="bakery ' + "x" * 93 + '"' in html
    assert "aria-invalid" not in html and "_error" not in html
    html = client.get("/signatories/?q=%00alpha%01&district=nowhere").content.decode()
    assert "\x00" not in html and "\x01" not in html
    assert 'value="alpha"' in html and "aria-invalid" not in html
    assert names(client.get("/signatories/?q=%00alpha%01")) == ["Alpha Bakery"]


def test_a_filtered_view_says_what_it_shows(client, signatories):
    html = client.get("/signatories/?q=bakery&district=preston&sector=nonsense").content.decode()
    summary = re.search(r'<p class="wall-filtered">(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", summary)
    assert text == "Showing only: Search: “bakery”; District: Preston. Clear filters"
    assert "wall-filtered" not in client.get("/signatories/?sort=newest").content.decode()


def test_page_links_have_no_empty_parameter(client, hundred):
    html = client.get("/signatories/").content.decode()
    assert 'href="?page=2"' in html and "?&amp;" not in html
