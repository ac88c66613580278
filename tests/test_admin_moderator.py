"""The admin as a moderator works in it: the queue, a pledge's page and its preview."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from campaign.models import SpendFigure
from pledges.models import Pledge
from tests.factories import image_bytes, make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status
CHANGELIST = "/admin/pledges/pledge/"


@pytest.fixture
def super_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("opcc", "opcc@example.org", "pass phrase")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def tools(html):
    """The object tools of an admin page: each button or link's label."""
    block = re.search(r'<ul class="object-tools">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'class="(?:historylink|viewsitelink)">([^<]+)<', block)


# The queue ----------------------------------------------------------------------------


def test_the_queue_shows_each_statement_and_website(mod_client):
    make_pledge(
        status=S.PENDING,
        statement="We buy <b>local</b> " + "and more " * 30,
        website="https://bakery.example/shop",
    )
    html = mod_client.get(CHANGELIST).content.decode()
    for column in ("Statement", "Website"):
        assert f">{column}</" in html, column
    cell = re.search(r'<td class="field-statement_excerpt">(.*?)</td>', html, re.S).group(1)
    assert cell.startswith("We buy &lt;b&gt;local&lt;/b&gt; and more")
    assert cell.endswith("…") and len(cell) < 160
    assert "<b>" not in html
    assert (
        '<td class="field-website_shown"><a href="https://bakery.example/shop" '
        'rel="noopener noreferrer nofollow">https://bakery.example/shop</a></td>'
    ) in html


def test_a_website_in_the_queue_is_escaped(mod_client):
    make_pledge(status=S.PENDING, website='https://x.example/?a="><script>alert(1)</script>')
    html = mod_client.get(CHANGELIST).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_the_queue_offers_no_withdraw(mod_client):
    make_pledge(status=S.PENDING)
    queue = mod_client.get(CHANGELIST).content.decode()
    assert 'value="approve_selected"' in queue and 'value="reject_selected"' in queue
    assert 'value="withdraw_selected"' not in queue
    approved = mod_client.get(CHANGELIST + "?status=approved").content.decode()
    assert 'value="withdraw_selected"' in approved


def test_the_withdraw_action_refuses_a_pending_pledge(mod_client, pending, approved):
    response = mod_client.post(
        CHANGELIST + "?status=all",
        {"action": "withdraw_selected", "_selected_action": [pending.pk, approved.pk],
         "confirm": "yes"},
        follow=True,
    )  # fmt: skip
    messages = [str(m) for m in response.context["messages"]]
    assert "Withdrawn 1 pledge." in messages
    assert f"Not withdrawn, as the pledge is in the wrong state: {pending.name} (pending)." in (
        messages
    )
    pending.refresh_from_db()
    approved.refresh_from_db()
    assert (pending.status, approved.status) == (S.PENDING, S.WITHDRAWN)
    assert pending.events.count() == 1


# A pledge's page --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mod_client", "super_client"])
def test_a_pending_pledge_has_approve_reject_history_and_preview(request, who, pending):
    client = request.getfixturevalue(who)
    html = client.get(f"{CHANGELIST}{pending.pk}/change/").content.decode()
    assert tools(html) == ["Approve", "Reject…", "History", "Preview"]
    assert f'href="/admin/pledges/pledge/{pending.pk}/preview/"' in html
    assert f'href="/signatories/{pending.slug}/"' not in html


@pytest.mark.parametrize("who", ["mod_client", "super_client"])
def test_an_approved_pledge_links_its_public_page_once(request, who, approved):
    client = request.getfixturevalue(who)
    html = client.get(f"{CHANGELIST}{approved.pk}/change/").content.decode()
    assert tools(html) == ["Withdraw…", "History", "View on site"]
    assert html.count(f'href="/signatories/{approved.slug}/"') == 1
    assert html.count("View on site") == 1


def test_a_pending_pledge_cannot_be_withdrawn_from_its_page(mod_client, pending):
    page = mod_client.get(f"{CHANGELIST}{pending.pk}/withdraw/")
    assert page.status_code == 200  # the confirmation page; refused when confirmed
    response = mod_client.post(f"{CHANGELIST}{pending.pk}/withdraw/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Not withdrawn, as the pledge is in the wrong state: {pending.name} (pending)."
    ]
    pending.refresh_from_db()
    assert pending.status == S.PENDING and pending.events.count() == 1


@pytest.mark.parametrize("who", ["mod_client", "super_client"])
def test_history_leads_to_the_pledges_own_events(request, who, pending):
    client = request.getfixturevalue(who)
    html = client.get(f"{CHANGELIST}{pending.pk}/change/").content.decode()
    assert '<a href="#events-group" class="historylink">History</a>' in html
    assert 'id="events-group"' in html
    assert f"/admin/pledges/pledge/{pending.pk}/history/" not in html
    response = client.get(f"{CHANGELIST}{pending.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{pending.pk}/change/#events-group"


# The preview -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mod_client", "super_client"])
def test_a_pending_pledge_is_previewed_as_the_public_would_see_it(request, who):
    pledge = make_pledge(
        status=S.PENDING,
        name="Bacup <Bakery> & Sons",
        statement="We <i>bake</i> in Bacup.",
        website="https://bacup-bakery.example",
        contact_name="Private Person",
    )
    client = request.getfixturevalue(who)
    response = client.get(f"{CHANGELIST}{pledge.pk}/preview/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<strong>Preview: not public.</strong>" in html
    assert f'href="/admin/pledges/pledge/{pledge.pk}/change/"' in html
    assert re.search(r"<h1>\s*Bacup &lt;Bakery&gt; &amp; Sons\s*</h1>", html)
    assert "We &lt;i&gt;bake&lt;/i&gt; in Bacup." in html
    assert '<a href="https://bacup-bakery.example" rel="nofollow noopener">' in html
    assert '<li class="signatory">' in html  # the wall's card
    assert "Private Person" not in html and pledge.email not in html
    # The public address still shows nothing.
    assert client.get(f"/signatories/{pledge.slug}/").status_code == 404


def test_a_previewed_logo_is_served_through_the_admin(mod_client):
    pledge = make_pledge(status=S.PENDING)
    pledge.logo.save("bakery.png", ContentFile(image_bytes()))
    html = mod_client.get(f"{CHANGELIST}{pledge.pk}/preview/").content.decode()
    name = pledge.logo.name.removeprefix("logos/")
    staff_url = f"/admin/pledges/pledge/logo/{name}"
    assert html.count(f'src="{staff_url}"') == 2  # the page and the card
    logo = mod_client.get(staff_url)
    assert logo.status_code == 200
    logo.close()


def test_a_previewed_badge_is_served_through_the_admin(mod_client, pending):
    html = mod_client.get(f"{CHANGELIST}{pending.pk}/preview/").content.decode()
    staff_url = f"/admin/pledges/pledge/{pending.pk}/badge.svg"
    assert f'<img src="{staff_url}" alt="{pending.name} is backing Lancashire"' in html
    badge = mod_client.get(staff_url)
    assert badge.status_code == 200 and badge["Content-Type"] == "image/svg+xml"
    assert "private" in badge["Cache-Control"]
    assert f"{pending.name} is backing Lancashire" in badge.content.decode()
    # The code to copy still names the public badge, for once the pledge is approved.
    assert f'/signatories/{pending.slug}/badge.svg" alt=' in html
    assert mod_client.get(f"/signatories/{pending.slug}/badge.svg").status_code == 404


@pytest.mark.parametrize("page", ["preview/", "badge.svg"])
def test_only_staff_who_may_see_pledges_preview_them(client, staff, pending, page):
    assert client.get(f"{CHANGELIST}{pending.pk}/{page}").status_code == 302  # sign in
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"{CHANGELIST}{pending.pk}/{page}").status_code == 403


def test_preview_of_no_pledge_is_not_found(mod_client):
    assert mod_client.get(f"{CHANGELIST}999999/preview/").status_code == 404


# Money ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mod_client", "super_client"])
def test_amounts_show_as_money(request, who):
    client = request.getfixturevalue(who)
    figure = SpendFigure.objects.get(amount=36_000_000)
    listing = client.get("/admin/campaign/spendfigure/").content.decode()
    assert '<td class="field-money">£36,000,000</td>' in listing
    assert "36000000.00</td>" not in listing
    form = client.get(f"/admin/campaign/spendfigure/{figure.pk}/change/").content.decode()
    assert re.search(r'<div class="readonly">£36,000,000</div>', form)
    # Shown just after the amount being typed.
    after_amount = form[form.index('name="amount"') :]
    assert after_amount.index("£36,000,000") < after_amount.index("</fieldset>")


def test_pence_show_when_there_are_some(super_client):
    SpendFigure.objects.create(headline="A small one", label="Small", amount="1234.50")
    listing = super_client.get("/admin/campaign/spendfigure/").content.decode()
    assert '<td class="field-money">£1,234.50</td>' in listing


# What moderators do not see -----------------------------------------------------------------

HIDDEN = [
    ("axes", "accessattempt"),
    ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
    ("django_tasks_database", "dbtaskresult"),
]


def test_sign_in_records_and_queued_mail_are_hidden_from_moderators(mod_client, moderator):
    # Even a permission granted by mistake does not show them.
    for app, model in HIDDEN:
        moderator.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=f"view_{model}")
        )
    index = mod_client.get("/admin/").content.decode()
    assert "Access attempts" not in index and "Task results" not in index
    assert "Pledges" in index
    for app, model in HIDDEN:
        assert mod_client.get(f"/admin/{app}/{model}/").status_code == 403, model
        assert mod_client.get(f"/admin/{app}/").status_code == 404, app


def test_superusers_see_sign_in_records_and_queued_mail(super_client):
    index = super_client.get("/admin/").content.decode()
    assert "Access attempts" in index
    for app, model in HIDDEN:
        assert super_client.get(f"/admin/{app}/{model}/").status_code == 200, model
