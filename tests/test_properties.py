"""Generated input through every form and query string: never a server error, and nothing
stored that the site's own rules would refuse.

Hypothesis makes about 1,250 inputs across these tests in each run (about two minutes, so
they are marked slow; CI runs them on PostgreSQL, each time new ones): any unicode, control
characters and NULs, very long strings, raw bytes that are not UTF-8 (overlong forms
included), and the valid answers with one or more of them swapped for junk. Each example
runs in its own transaction (hypothesis.extra.django.TestCase).
"""

import urllib.parse

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from pledges.forms import PledgeForm
from pledges.models import Pledge
from tests.factories import make_pledge, sign_up_answers

pytestmark = pytest.mark.slow

# Text of every kind, with NULs, controls and bidi marks more likely than chance gives.
junk_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("\x00\x01\x1b\r\n\t\u202e\u200b\ufeff<>&'\"=%;")),
    st.text(min_size=1000, max_size=5000),
    st.just("x" * 60_000),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "NaN", "on", "true"]),
)
# Bytes that are not valid UTF-8, sent percent-encoded as a browser would.
junk_bytes = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xff\xfe", b"\x00"]),
)

SIGN_UP_FIELDS = [name for name in sign_up_answers() if name != "started"]


def urlencoded(pairs):
    """A form body from (name, value) pairs, values being str or raw bytes."""
    return "&".join(
        urllib.parse.quote(name) + "=" + urllib.parse.quote(value, safe="") for name, value in pairs
    )


@override_settings(PLEDGE_RATE_LIMIT=None)
class SignUpPropertyTests(TestCase):
    @settings(max_examples=300, deadline=None)
    @given(
        changes=st.dictionaries(
            st.sampled_from(SIGN_UP_FIELDS), st.one_of(junk_text, junk_bytes), max_size=4
        )
    )
    def test_any_answers_give_a_page_and_store_only_what_is_valid(self, changes):
        answers = {**sign_up_answers(), **changes}
        response = self.client.post(
            "/pledge/",
            urlencoded(answers.items()),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 302, 400, 413), response.status_code
        stored = list(Pledge.objects.all())
        if response.status_code != 302:
            assert stored == []
        for pledge in stored:
            # What was saved passes the model's own rules, and the form's when read back.
            pledge.full_clean(exclude=["logo"])
            assert "\x00" not in pledge.name and "\x00" not in pledge.statement

    @settings(max_examples=150, deadline=None)
    @given(name=junk_text)
    def test_any_name_the_form_accepts_can_be_saved(self, name):
        form = PledgeForm(sign_up_answers(name=name))
        if form.is_valid():
            pledge = Pledge.submit(**form.pledge_fields())
            pledge.full_clean(exclude=["logo"])


@override_settings(PLEDGE_RATE_LIMIT=None)
class LinkFormPropertyTests(TestCase):
    @settings(max_examples=200, deadline=None)
    @given(
        url=st.sampled_from(["/pledge/resend/", "/pledge/manage/"]),
        email=st.one_of(junk_text, junk_bytes),
    )
    def test_any_address_gives_a_page(self, url, email):
        response = self.client.post(
            url, urlencoded([("email", email)]), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (200, 302), response.status_code

    @settings(max_examples=100, deadline=None)
    @given(token=st.one_of(junk_text, junk_bytes))
    def test_any_token_gives_a_page(self, token):
        for path in ("/pledge/verify/{}/", "/pledge/manage/{}/", "/pledge/manage/{}/withdraw/"):
            quoted = urllib.parse.quote(token, safe="") or "x"
            response = self.client.get(path.format(quoted))
            assert response.status_code in (200, 400, 404), (path, response.status_code)


class WallPropertyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for _ in range(3):
            make_pledge(status=Pledge.Status.APPROVED)

    @settings(max_examples=200, deadline=None)
    @given(
        query=st.lists(
            st.tuples(
                st.sampled_from(
                    ["q", "district", "sector", "type", "size", "commitment", "sort", "page"]
                )
                | st.text(max_size=10),
                st.one_of(junk_text, junk_bytes),
            ),
            max_size=6,
        )
    )
    def test_any_query_string_shows_the_wall(self, query):
        response = self.client.get("/signatories/?" + urlencoded(query))
        assert response.status_code == 200
        assert b"<h1>Signatories</h1>" in response.content
