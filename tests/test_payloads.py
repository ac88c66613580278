"""A corpus of attacks, sent through the sign-up form as a person would send them, then read
back from every place the site shows them: the pages, the admin, the emails, the feed,
the badge, the JSON and the CSV. Each is either refused with a message or shown as
harmless text."""

import json
import re

import pytest
from django.conf import settings
from django.core import mail

from pledges.models import Pledge
from tests.factories import sign_up_answers

pytestmark = pytest.mark.django_db

CORPUS = [
    # cross-site scripting
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "';alert(String.fromCharCode(88,83,83))//",
    # SQL injection
    "' OR '1'='1",
    "Robert'); DROP TABLE pledges_pledge;--",
    "1; SELECT pg_sleep(10)",
    # template injection
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    # header injection
    "Acme\r\nBcc: everyone@example.org",
    "Acme\nSet-Cookie: sessionid=stolen",
    # path traversal
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    # spreadsheet formulas
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
]
# Overlong UTF-8 for "<" and "/", sent as raw bytes: they must never turn into either.
OVERLONG = "name=Overlong%C0%BCscript%C0%BE%E0%80%AF"

HTML_SPECIAL = re.compile(r"""[<>"'&]""")


def sign(client, n, payload):
    answers = sign_up_answers(
        name=f"Org {n} {payload}",
        statement=payload,
        contact_name=f"Contact {n} {payload}"[:100],
        contact_role=payload[:100],
        email=f"payload{n}@example.org",
    )
    # Each as a new visitor: a refused form sets the CSRF cookie that the form's token is
    # bound to, and these answers carry a token bound to none.
    client.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    return client.post("/pledge/", answers)


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def signed(client, admin_user, send_queued, settings):
    """Every payload sent; those accepted confirmed and approved, their emails sent."""
    settings.PLEDGE_RATE_LIMIT = None
    refused = []
    for n, payload in enumerate(CORPUS):
        response = sign(client, n, payload)
        assert response.status_code in (200, 302), (payload, response.status_code)
        if response.status_code == 200:
            assert 'class="invalid-feedback' in body(response), payload  # said beside a field
            refused.append(payload)
    overlong = client.post("/pledge/", OVERLONG, content_type="application/x-www-form-urlencoded")
    assert overlong.status_code == 200  # the rest of the form is missing
    send_queued()
    for pledge in Pledge.objects.all():
        pledge.verify()
    send_queued()
    for pledge in Pledge.objects.all():
        pledge.approve(by=admin_user)
    send_queued()
    return refused


def test_every_payload_is_refused_or_stored_as_sent(signed):
    stored = set(Pledge.objects.values_list("statement", flat=True))
    for payload in CORPUS:
        assert payload in signed or payload.replace("\r\n", "\n") in stored, payload
    # The database took every one as data: nothing was dropped or run.
    assert Pledge.objects.count() == len(CORPUS) - len(signed)
    assert all(
        "\r" not in name and "\n" not in name
        for name in Pledge.objects.values_list("name", flat=True)
    )


def test_every_output_shows_them_harmlessly(client, signed, admin_user):
    pledges = list(Pledge.objects.all())
    assert pledges
    risky = [
        value
        for pledge in pledges
        for value in (pledge.name, pledge.statement, pledge.contact_name, pledge.contact_role)
        if HTML_SPECIAL.search(value)
    ]
    html_pages = ["/", "/signatories/", "/signatories/?q=Org"]
    for pledge in pledges:
        html_pages += [pledge.get_absolute_url(), pledge.get_absolute_url() + "certificate/"]
    outputs = {url: body(client.get(url)) for url in html_pages}
    outputs["badge"] = body(client.get(pledges[0].get_absolute_url() + "badge.svg"))
    outputs["feed"] = body(client.get("/signatories/feed/"))
    client.force_login(admin_user)
    outputs["admin list"] = body(client.get("/admin/pledges/pledge/?status=all"))
    for pledge in pledges:
        outputs[f"admin {pledge.pk}"] = body(
            client.get(f"/admin/pledges/pledge/{pledge.pk}/change/")
        )
    assert len(mail.outbox) >= 3 * len(pledges)  # confirmation, moderators', approval each
    for n, message in enumerate(mail.outbox):
        outputs[f"email {n} html"] = message.alternatives[0][0]
        assert "\n" not in message.subject and "\r" not in message.subject
        assert set(message.extra_headers) == set()  # no header smuggled in

    for where, text in outputs.items():
        assert settings.SECRET_KEY not in text, where
        for tag in ("<script>alert", "<img src=x", "<svg/onload"):
            assert tag not in text, (where, tag)
        # In XML only < and & need escaping; in HTML the quotes too.
        xml = where in ("feed", "badge")
        for value in risky:
            if not xml or re.search("[<&]", value):
                assert value not in text, (where, value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outputs["/signatories/?q=Org"]
    assert "{{ settings.SECRET_KEY }}" in outputs["/signatories/?q=Org"]  # shown, not run


def test_the_open_data_carries_them_as_data(client, signed):
    # Spreadsheet formulas in every CSV: test_escaping.py.
    names = set(Pledge.objects.values_list("name", flat=True))
    data = json.loads(body(client.get("/signatories.json")))
    assert {record["name"] for record in data["signatories"]} == names
