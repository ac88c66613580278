"""What search engines may index: the sign-up form yes, token pages never."""

import pytest

from pledges.tokens import make_manage_token, make_token

pytestmark = pytest.mark.django_db


def robots_rules(client):
    text = client.get("/robots.txt").content.decode()
    return [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Disallow")]


def blocked(rules, path):
    return any(path.startswith(rule) for rule in rules)


def test_robots_lets_search_engines_index_the_sign_up_form(client):
    rules = robots_rules(client)
    assert not blocked(rules, "/pledge/")
    assert "/pledge/" not in rules


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/pledge/verify/abc/",
        "/pledge/manage/",
        "/pledge/manage/abc/withdraw/",
        "/pledge/new-email/abc/",
        "/pledge/resend/",
        "/pledge/check-your-email/",
    ],
)
def test_robots_keeps_every_token_page_out(client, path):
    assert blocked(robots_rules(client), path)


def test_the_sitemap_lists_the_sign_up_form(client):
    assert "/pledge/</loc>" in client.get("/sitemap-pages.xml").content.decode()


@pytest.mark.parametrize(
    "url", ["/pledge/verify/{verify}/", "/pledge/manage/{manage}/", "/pledge/verify/bad/"]
)
def test_token_pages_tell_search_engines_not_to_index_them(client, unverified, approved, url):
    url = url.format(verify=make_token(unverified), manage=make_manage_token(approved))
    assert client.get(url)["X-Robots-Tag"] == "noindex, nofollow"


def test_the_sign_up_form_may_be_indexed(client):
    response = client.get("/pledge/")
    assert response.status_code == 200
    assert "X-Robots-Tag" not in response
    assert "noindex" not in response.content.decode()
