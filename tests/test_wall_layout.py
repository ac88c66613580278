"""The wall and the signatory page as a visitor meets them: filters folded, titles that
say the page, share links with no third-party script, the badge code and certificate."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from pledges.models import Pledge
from pledges.tokens import make_token
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


@pytest.fixture
def many():
    return [make_pledge(status=S.APPROVED, name=f"Firm {n:03}") for n in range(100)]


def test_the_filters_fold_behind_one_filter_control(client, many):
    html = client.get("/signatories/").content.decode()
    fold = re.search(
        r"<details class=\"wall-filters-fold\"(?P<open>[^>]*)>\s*<summary[^>]*>Filter", html
    )
    assert fold and fold["open"] == ""  # folded until asked for
    start = html.index('<details class="wall-filters-fold"')
    assert start < html.index('class="wall-filters"') < html.index("</details>", start)


def test_a_filtered_wall_keeps_its_results_first_and_says_it_is_filtered(client, many):
    html = client.get("/signatories/?district=preston").content.decode()
    assert '<details class="wall-filters-fold">' in html  # folded: results first on a phone
    assert re.search(r"Filter<span[^>]*>[^<]*</span> \(filtered\)</summary>", html)


def test_the_results_come_before_the_impact_figures(client, many):
    html = client.get("/signatories/").content.decode()
    assert html.index('class="signatories"') < html.index('id="impact-heading"')


@pytest.mark.parametrize(
    "url, title",
    [
        ("/signatories/", "Signatories, page 1 of 3 – Backing Lancashire"),
        ("/signatories/?page=3", "Signatories, page 3 of 3 – Backing Lancashire"),
        ("/signatories/?page=99", "Signatories, page 3 of 3 – Backing Lancashire"),
        ("/signatories/?q=Firm+001", "Signatories – Backing Lancashire"),
    ],
)
def test_the_title_says_which_page_of_results_it_is(client, many, url, title):
    html = client.get(url).content.decode()
    assert re.search(r"<title>(.*?)</title>", html)[1] == title


def share_links(html):
    share = html[html.index('<ul class="share">') :]
    share = share[: share.index("</ul>")]
    return dict(re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(?:<span[^>]*>)?([^<]+)', share))


def test_sharing_offers_x_linkedin_and_the_link_as_plain_links(client, approved):
    html = client.get(f"/signatories/{approved.slug}/").content.decode()
    links = {text: href.replace("&amp;", "&") for href, text in share_links(html).items()}
    page = f"http://127.0.0.1:8000/signatories/{approved.slug}/"
    x = urlsplit(links["Post on X (Twitter) with #BackingLancashire"])
    assert x.netloc == "twitter.com" and parse_qs(x.query)["url"] == [page]
    linkedin = urlsplit(links["Share on LinkedIn"])
    assert linkedin.netloc == "www.linkedin.com" and parse_qs(linkedin.query) == {"url": [page]}
    assert links["Link to this page"] == page
    # No script but the site's own.
    assert re.findall(r"<script[^>]*>", html) == [
        re.search(r'<script src="/static/js/site\.\w+\.js" defer>', html)[0]
    ]


def test_a_token_page_shares_the_sign_up_form_not_its_address(client, unverified):
    token = make_token(unverified)
    html = client.post(f"/pledge/verify/{token}/").content.decode()
    links = share_links(html)
    assert token not in "".join(links)
    assert "http://127.0.0.1:8000/pledge/" in links


def test_the_website_wraps_only_between_its_parts(client):
    pledge = make_pledge(
        status=S.APPROVED, website="https://www.ribble-valley-bakery-and-sons.example/about"
    )
    html = client.get(f"/signatories/{pledge.slug}/").content.decode()
    assert (
        '<dd class="facts__address"><a href="https://www.ribble-valley-bakery-and-sons.example/about"'
        ' rel="nofollow noopener">https:/<wbr>/<wbr>www.<wbr>ribble-<wbr>valley-<wbr>bakery-<wbr>'
        "and-<wbr>sons.<wbr>example/<wbr>about</a></dd>"
    ) in html


def test_a_hostile_website_is_still_escaped_where_it_may_wrap(client):
    pledge = make_pledge(status=S.APPROVED)
    Pledge.objects.filter(pk=pledge.pk).update(website='https://x.example/"<script>')
    html = client.get(f"/signatories/{pledge.slug}/").content.decode()
    assert "<script>" not in html.split("<body>")[1].replace('<script src="', "")
    assert "&lt;<wbr>script&gt;" in html or "&lt;script&gt;" in html


def test_the_badge_code_sits_behind_add_the_badge(client, approved):
    html = client.get(f"/signatories/{approved.slug}/").content.decode()
    start = html.index('<details class="badge-code">')
    details = html[start : html.index("</details>", start)]
    assert "<summary>Add the badge to your website</summary>" in details
    assert 'id="badge-code"' in details
    # The copy button is there for the script to show; without it, it stays hidden.
    assert re.search(r'<button type="button"[^>]*data-copy-from="badge-code"[^>]*hidden>', details)


def test_the_certificate_has_a_print_button_and_its_own_address(client, approved):
    html = client.get(f"/signatories/{approved.slug}/certificate/").content.decode()
    assert re.search(r"<button type=\"button\"[^>]*data-print hidden>Print this certificate", html)
    assert "from your browser’s Print menu" in html  # the hint for a browser without script
    certificate = html[html.index('<article class="certificate">') : html.index("</article>")]
    address = re.search(r'certificate__address">(.*?)</span>', certificate)[1]
    assert address.replace("<wbr>", "") == (f"http://127.0.0.1:8000/signatories/{approved.slug}/")
