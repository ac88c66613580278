import re
import time

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import Pledge
from pledges.tokens import MANAGE_SALT, make_manage_token
from tests.factories import image_bytes, make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def manage_url(pledge):
    return f"/pledge/manage/{make_manage_token(pledge)}/"


def answers(pledge, **changes):
    """The manage form as the page shows it for `pledge`, with some answers changed."""
    data = {
        "name": pledge.name,
        "size": pledge.size,
        "website": pledge.website,
        "statement": pledge.statement,
        "commits_local_spend": "on" if pledge.commits_local_spend else "",
        "contact_name": pledge.contact_name,
        "contact_role": pledge.contact_role,
        "email": pledge.email,
        "phone": str(pledge.phone),
        "postcode": pledge.postcode,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_the_manage_page_shows_the_details_it_can_change_and_no_others(client):
    pledge = make_pledge(
        status=S.APPROVED, statement="We buy local.", companies_house_number="01234567"
    )
    html = client.get(manage_url(pledge)).content.decode()
    for value in (pledge.name, pledge.contact_name, pledge.contact_role, pledge.email):
        assert f'value="{value}"' in html
    assert "We buy local." in html
    assert "Withdraw the pledge" in html
    assert f'value="{pledge.postcode}"' in html
    for value in (pledge.charity_number, "01234567"):
        assert value not in html


def test_a_pending_pledge_changes_at_once_and_records_it(client, pending):
    url = manage_url(pending)
    response = client.post(
        url,
        answers(
            pending,
            website="https://example.org",
            statement="New words.",
            commits_environment="on",
            size="large",
        ),  # fmt: skip
        follow=True,
    )
    assert "Your changes are saved." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert (pending.website, pending.statement, pending.size) == (
        "https://example.org",
        "New words.",
        "large",
    )
    assert pending.commits_environment
    assert not pending.changes.exists()
    event = pending.events.last()
    assert event.action == "updated" and event.actor is None
    assert event.note == (
        "Changed: website, why your organisation is backing Lancashire, number of employees, "
        "protecting the environment."
    )


def test_a_change_to_an_approved_entry_waits_for_review_and_the_wall_keeps_the_old(
    client, approved
):
    wall_before = client.get("/signatories/").content.decode()
    page_before = client.get(approved.get_absolute_url()).content.decode()
    response = client.post(
        manage_url(approved),
        answers(approved, name="Phishy Ltd", website="https://evil.example", statement="Click."),
        follow=True,
    )
    assert "Our team will check the changes to what the public sees" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.APPROVED and approved.statement == "We buy local."
    assert approved.name.startswith("Test Organisation") and not approved.website
    (change,) = approved.changes.all()
    assert change.status == "open"
    assert change.values == {
        "name": "Phishy Ltd",
        "website": "https://evil.example",
        "statement": "Click.",
    }
    # Nothing public moved: the wall, the page, the feed and the open data are as they were.
    assert client.get("/signatories/").content.decode() == wall_before
    assert client.get(approved.get_absolute_url()).content.decode() == page_before
    for url in ("/signatories/feed/", "/open-data/signatories.csv", "/open-data/signatories.json"):
        body = client.get(url).getvalue().decode()
        assert "Phishy" not in body and "evil.example" not in body
    event = approved.events.last()
    assert (event.action, event.note) == (
        "change_proposed",
        "Proposed: organisation name, website, why your organisation is backing Lancashire. "
        "Waiting for review.",
    )


def test_contact_details_change_at_once(client, approved):
    response = client.post(
        manage_url(approved),
        answers(approved, contact_name="New Person", contact_role="Owner"),
        follow=True,
    )
    assert "Your changes are saved." in response.content.decode()
    approved.refresh_from_db()
    assert (approved.contact_name, approved.contact_role) == ("New Person", "Owner")
    assert not approved.changes.exists()


def test_a_new_email_address_takes_effect_once_its_owner_opens_the_link(
    client, approved, send_queued, settings
):
    old = approved.email
    response = client.post(
        manage_url(approved),
        answers(approved, email="new@example.org", contact_name="Call 0800 123 4567"),
        follow=True,
    )
    assert "Enter the name only, without a web address" in response.content.decode()
    response = client.post(
        manage_url(approved), answers(approved, email="new@example.org"), follow=True
    )
    assert "We have sent a link to the new email address." in response.content.decode()
    approved.refresh_from_db()
    assert approved.email == old  # nothing changes yet
    send_queued()
    to_new = next(m for m in mail.outbox if m.to == ["new@example.org"])
    to_old = next(m for m in mail.outbox if m.to == [old])
    # The new address may be a stranger's: it hears nothing but the quoted name.
    assert f"“{approved.name}”" in to_new.body
    assert approved.contact_name not in to_new.body
    assert "If you did not ask, ignore this email: nothing will change." in to_new.body
    assert "asked for our emails about it to go to a different address" in to_old.body
    # It asks the old address to contact the Office if worried: Reply does that.
    assert to_old.reply_to == [settings.CONTACT["email"]] and to_new.reply_to == []

    link = re.search(r"http://127\.0\.0\.1:8000(/pledge/new-email/\S+/)", to_new.body).group(1)
    assert "Confirm this address" in client.get(link).content.decode()
    approved.refresh_from_db()
    assert approved.email == old  # opening is not confirming: mail scanners open links
    page = client.post(link, follow=True)
    assert "Your email address is changed" in page.content.decode()
    approved.refresh_from_db()
    assert approved.email == "new@example.org"
    assert page.redirect_chain[-1][0].startswith("/pledge/manage/")
    # The old manage link, and the link itself, are spent: the old one says why.
    stale = client.get(manage_url_for(old, approved))
    assert stale.status_code == 410
    html = stale.content.decode()
    assert "This link stopped working when the email address changed" in html
    assert "Give the new email address: we send the link to it." in html
    assert "copied wrongly" not in html and "the email address you signed with" not in html
    assert old not in html and "new@example.org" not in html  # nor tells anyone either
    assert client.post(link).status_code == 400


def manage_url_for(address, pledge):
    """The manage link that was made for `pledge` while its address was `address`."""
    original = pledge.email
    pledge.email = address
    try:
        return manage_url(pledge)
    finally:
        pledge.email = original


def test_a_proposed_change_is_shown_revised_and_withdrawn_by_its_organisation(client, approved):
    url = manage_url(approved)
    client.post(url, answers(approved, statement="Draft one."))
    page = client.get(url).content.decode()
    assert "Changes waiting for review" in page
    assert "Draft one." in page and "We buy local." in page  # after and before

    client.post(url, answers(approved, statement="Draft two."))
    (change,) = approved.changes.all()
    assert change.values == {"statement": "Draft two."}

    response = client.post(url + "withdraw-changes/", follow=True)
    assert "Your proposed changes are withdrawn." in response.content.decode()
    change.refresh_from_db()
    assert change.status == "withdrawn"
    approved.refresh_from_db()
    assert approved.statement == "We buy local."
    assert [e.action for e in approved.events.all()][-3:] == [
        "change_proposed",
        "change_proposed",
        "change_withdrawn",
    ]


def test_putting_everything_back_withdraws_the_change(client, approved):
    url = manage_url(approved)
    client.post(url, answers(approved, statement="Draft."))
    response = client.post(url, answers(approved), follow=True)
    assert "nothing left to check" in response.content.decode()
    assert approved.changes.get().status == "withdrawn"


def test_a_new_name_must_not_belong_to_another_signatory(client, approved):
    other = make_pledge(status=S.APPROVED, name="Taken Ltd")
    response = client.post(manage_url(approved), answers(approved, name="taken ltd"))
    # The one answer every form gives: the organisation that signed, and where to see it.
    assert "Taken Ltd has already signed the pledge: <a href" in response.content.decode()
    approved.refresh_from_db()
    assert approved.name != other.name and approved.status == S.APPROVED


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Enter your organisation’s name."),
        ("website", "javascript:alert(1)", "Enter the website address"),
        ("statement", "x" * 501, "Enter a statement of 500 characters or fewer."),
        ("size", "huge", "Choose one of the options."),
        ("contact_role", "x" * 101, "Enter a job title of 100 characters or fewer."),
        ("commits_local_spend", None, "Tick at least one of the five commitments."),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(client, approved, field, value, message):
    response = client.post(manage_url(approved), answers(approved, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    before = approved.events.count()
    approved.refresh_from_db()
    assert approved.events.count() == before == 1


def test_no_commitment_is_the_groups_error_as_on_the_sign_up_form(client, approved):
    html = client.post(manage_url(approved), answers(approved, commits_local_spend=None))
    html = html.content.decode()
    # The summary links to the group, and the message sits under its legend, not on the
    # first box.
    assert '<a href="#commitments">Tick at least one' in html
    assert 'class="commitments commitments--error"' in html
    assert 'id="id_commits_local_spend_error"' in html
    assert "is-invalid" not in html


def test_size_is_asked_with_radio_buttons_as_on_the_sign_up_form(client, approved):
    html = client.get(manage_url(approved)).content.decode()
    assert '<select name="size"' not in html
    assert 'name="size" value="micro"  id="id_size_0" required checked>' in html
    assert 'value="---------"' not in html and ">---------<" not in html


def test_a_logo_can_be_replaced_and_removed(
    client, pending, settings, django_capture_on_commit_callbacks
):
    url = manage_url(pending)
    logo = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")
    client.post(url, {**answers(pending), "new_logo": logo})
    pending.refresh_from_db()
    first = pending.logo.name
    assert first.startswith("logos/")
    assert (settings.MEDIA_ROOT / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**answers(pending), "remove_logo": "on"})
    pending.refresh_from_db()
    assert not pending.logo
    assert not (settings.MEDIA_ROOT / first).exists()


def test_a_new_logo_for_an_approved_entry_waits_and_goes_if_withdrawn(
    client, approved, settings, django_capture_on_commit_callbacks
):
    url = manage_url(approved)
    logo = SimpleUploadedFile("l.png", image_bytes("PNG"), content_type="image/png")
    client.post(url, {**answers(approved), "new_logo": logo})
    approved.refresh_from_db()
    assert not approved.logo
    change = approved.changes.get()
    assert change.logo and (settings.MEDIA_ROOT / change.logo.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "withdraw-changes/")
    assert not (settings.MEDIA_ROOT / change.logo.name).exists()
    approved.refresh_from_db()
    assert not approved.logo


def test_withdrawing_asks_first_then_erases_contact_details(client, approved):
    url = manage_url(approved)
    page = client.get(url + "withdraw/")
    assert "Yes, withdraw our pledge" in page.content.decode()
    assert Pledge.objects.get().status == S.APPROVED
    response = client.post(url + "withdraw/", follow=True)
    assert "Your pledge has been withdrawn" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.WITHDRAWN
    assert (approved.contact_name, approved.contact_role, approved.email) == ("", "", "")
    assert (str(approved.phone), approved.postcode) == ("", "")
    assert client.get(f"/signatories/{approved.slug}/").status_code == 404
    # A badge shown on the organisation's own site says so now, and claims nothing.
    badge = client.get(f"/signatories/{approved.slug}/badge.svg").content.decode()
    assert "Pledge withdrawn" in badge and "We’re Backing" not in badge
    # The link is spent, and says why.
    spent = client.get(url)
    assert spent.status_code == 410
    assert "This pledge has been withdrawn" in spent.content.decode()


def test_an_expired_manage_link_offers_a_new_one(client, approved):
    class OldSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)

    payload = signing.loads(make_manage_token(approved), salt=MANAGE_SALT)
    token = OldSigner(salt=MANAGE_SALT).sign_object(payload)
    response = client.get(f"/pledge/manage/{token}/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link has expired" in html and 'href="/pledge/manage/"' in html
    assert "Links to manage a pledge work for 30 days, and this one is older." in html


@pytest.mark.parametrize("token", ["x", "W10:1tAb:abc", "a" * 3000])
def test_a_tampered_manage_link_is_refused(client, approved, token):
    assert client.post(f"/pledge/manage/{token}/withdraw/").status_code == 400
    assert Pledge.objects.get().status == S.APPROVED


def test_a_verification_token_cannot_manage(client, approved):
    token = signing.dumps([approved.pk, "0" * 16], salt="pledges.verify")
    assert client.get(f"/pledge/manage/{token}/").status_code == 400


def test_a_link_for_one_pledge_cannot_reach_another(client, approved):
    other = make_pledge(status=S.APPROVED)
    payload = [other.pk, signing.loads(make_manage_token(approved), salt=MANAGE_SALT)[1]]
    token = signing.dumps(payload, salt=MANAGE_SALT)
    # Signed with the site's key, it reads as a link made before an address change.
    assert client.post(f"/pledge/manage/{token}/withdraw/").status_code == 410
    assert Pledge.objects.get(pk=other.pk).status == S.APPROVED


@pytest.mark.parametrize("status", [S.UNVERIFIED, S.REJECTED, S.WITHDRAWN])
def test_closed_or_unconfirmed_pledges_cannot_be_managed(client, status):
    pledge = make_pledge(status=status)
    # A withdrawn pledge's link says so; the others' say only that the link does not work.
    assert client.get(manage_url(pledge)).status_code == (410 if status == S.WITHDRAWN else 400)


def test_asking_for_a_manage_link_emails_one(client, approved, send_queued):
    response = client.post("/pledge/manage/", {"email": approved.email.upper()})
    assert response["Location"] == "/pledge/manage/sent/"
    send_queued()
    (message,) = mail.outbox
    assert message.to == [approved.email]
    path = re.search(r"http://127\.0\.0\.1:8000(/pledge/manage/\S+/)", message.body).group(1)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "status, sent", [(S.APPROVED, 1), (S.UNVERIFIED, 0), (S.REJECTED, 0), (S.WITHDRAWN, 0)]
)
def test_asking_for_a_manage_link_says_the_same_either_way(client, status, sent, send_queued):
    # Only a pledge that can be managed gets a link, but the page never says which.
    pledge = make_pledge(status=status)
    known = client.post("/pledge/manage/", {"email": pledge.email}, follow=True)
    unknown = client.post("/pledge/manage/", {"email": "nobody@example.org"}, follow=True)
    assert known.content == unknown.content
    send_queued()
    assert len(mail.outbox) == sent


def test_withdrawing_deletes_the_logo(
    client, approved, settings, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    approved.logo.save("l.png", ContentFile(image_bytes()))
    path = settings.MEDIA_ROOT / approved.logo.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage_url(approved) + "withdraw/")
    assert not path.exists()
    assert not Pledge.objects.get().logo
