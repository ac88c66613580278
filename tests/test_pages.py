import re

import pytest
from django.views.defaults import server_error

from backing_lancashire import freshness
from campaign.models import SpendFigure, Testimonial
from pledges.wording import pledge_text

pytestmark = pytest.mark.django_db

PAGES = [
    ("/", "Backing Lancashire"),
    ("/about/", "About Backing Lancashire"),
    ("/social-value/", "Social value: the five themes"),
    ("/spend/", "Spend statistics"),
    ("/get-involved/", "Get involved"),
    ("/privacy/", "Privacy notice"),
    ("/accessibility/", "Accessibility statement"),
]

PLEDGE = (
    "We, [your organisation], support ‘Backing Lancashire’ and wherever possible aim to "
    "ensure our procurement, commissioning and general business activity maximises social, "
    "economic and environmental benefit within the county and the wider North West region."
)
QUOTES = [
    "Focusing on locally produced goods where possible is a great thing for the community "
    "and it seems to work really well for us both",
    "We’re proud to be involved in such a prestigious contract and work with organisations "
    "with a defined social policy and we hope that more companies might follow suit in "
    "future for the benefit of our community as a whole.",
    "I am from the area and it’s good to see jobs being created locally which helps the "
    "local community too.",
]
HEADLINES = [
    "£36m spent by Lancashire Constabulary within Lancashire in 2017/18",
    "Over £6.3m invested back into Lancashire businesses during the development of West "
    "Division Police Headquarters.",
]


def h1(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return match.group(1).strip() if match else None


@pytest.mark.parametrize("url, heading", PAGES)
def test_each_page_shows_its_heading(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert h1(response) == heading


@pytest.mark.parametrize("url, heading", PAGES)
def test_each_page_has_landmarks_and_a_skip_link(client, url, heading):
    html = client.get(url).content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "<footer" in html
    assert '<html lang="en-GB">' in html


@pytest.mark.parametrize("url, heading", PAGES)
def test_each_page_has_open_graph_tags(client, url, heading):
    html = client.get(url).content.decode()
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{url}">' in html
    assert '<meta property="og:title" content="' in html
    image = r'<meta property="og:image" content="http://127\.0\.0\.1:8000/static/img/og-image\.\w+\.png">'
    assert re.search(image, html)
    assert re.search(r'<meta property="og:description" content="[^"]{20,}">', html)


@pytest.mark.parametrize(
    "url, label",
    [("/", "Home"), ("/about/", "About"), ("/spend/", "Spend"), ("/get-involved/", "Get involved")],
)
def test_navigation_marks_the_current_page(client, url, label):
    html = client.get(url).content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', html) == [(url, label)]


def test_home_shows_the_pledge_verbatim(client):
    assert pledge_text() == PLEDGE
    assert PLEDGE in client.get("/").content.decode()


def test_home_shows_the_figures_and_quotes_from_the_brief(client):
    html = client.get("/").content.decode()
    for text in HEADLINES + QUOTES:
        assert text in html
    assert "£36m" in html and "£6.3m" in html
    assert "#BackingLancashire" in html


def test_home_has_a_call_to_sign(client):
    html = client.get("/").content.decode()
    assert re.search(r'<a class="btn[^"]*" href="/pledge/">Sign the pledge</a>', html)


def test_share_link_is_a_plain_url_with_the_hashtag(client):
    html = client.get("/get-involved/").content.decode()
    link = re.search(r'href="(https://twitter\.com/intent/tweet\?[^"]+)"', html).group(1)
    assert "hashtags=BackingLancashire" in link
    assert "url=http%3A%2F%2F127.0.0.1%3A8000%2Fget-involved%2F" in link
    assert re.findall(r"<script[^>]*>", html) == [
        re.search(r'<script src="/static/js/site\.\w+\.js" defer>', html).group(0)
    ]


def test_unpublished_content_is_hidden(client):
    SpendFigure.objects.filter(label="West Division Police HQ").update(is_published=False)
    Testimonial.objects.filter(quote__startswith="I am from the area").update(is_published=False)
    html = client.get("/").content.decode()
    assert HEADLINES[0] in html
    assert HEADLINES[1] not in html
    assert QUOTES[2] not in html


def test_quotes_show_an_attribution_only_when_staff_add_one(client):
    assert "<figcaption>" not in client.get("/").content.decode()
    quote = Testimonial.objects.get(order=1)
    quote.attribution = "A Preston supplier"
    quote.save()  # as the admin does: the page renews at once
    assert "<figcaption>A Preston supplier</figcaption>" in client.get("/").content.decode()


def test_pages_of_an_older_version_leave_memory_when_it_moves(client):
    from django.core.cache import caches

    pages = caches["pages"]
    for url in ("/", "/spend/", "/signatories/"):
        client.get(url)
    assert len(pages._cache) == 3  # LocMemCache's own store
    freshness.changed()
    assert len(pages._cache) == 0
    client.get("/")
    assert len(pages._cache) == 1


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert h1(response) == "Page not found"
    assert "Skip to main content" in html


def test_server_error_page_is_in_the_site_style(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "/static/css/site." in html
    assert "Traceback" not in html


def test_the_sitemap_lists_pages_and_signatories(client, approved):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-pages.xml" in index and "sitemap-signatories.xml" in index
    xml = client.get("/sitemap-signatories.xml").content.decode()
    assert f"/signatories/{approved.slug}/" in xml
    assert "/about/" in client.get("/sitemap-pages.xml").content.decode()


def test_robots_points_to_the_sitemap_and_keeps_out_of_private_paths(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /pledge/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text


def test_every_page_names_the_feed_for_feed_readers(client):
    for path in ("/", "/signatories/", "/pledge/"):
        html = client.get(path).content.decode()
        assert re.search(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
            r'href="/signatories/feed/">',
            html,
        ), path
