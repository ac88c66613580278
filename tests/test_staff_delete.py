"""Only superusers delete pledges, and only those whose history the retention rules let go."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from pledges.models import Pledge, PledgeEvent
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def expired():
    """Unverified, its confirmation link run out: what purge_pledges deletes."""
    pledge = make_pledge(status=S.UNVERIFIED)
    Pledge.objects.filter(pk=pledge.pk).update(submitted_at=timezone.now() - timedelta(days=8))
    return pledge


@pytest.fixture
def super_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("opcc", "opcc@example.org", "pass phrase")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def test_only_an_unverified_pledge_past_its_link_can_be_deleted():
    kept = [make_pledge(status=status) for status in S] + [make_pledge(status=S.UNVERIFIED)]
    gone = expired()
    assert [pledge.can_delete() for pledge in kept] == [False] * len(kept)
    assert gone.can_delete()
    assert list(Pledge.objects.deletable()) == list(Pledge.objects.expired()) == [gone]


def test_moderators_cannot_delete_even_given_the_permission(mod_client, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="delete_pledge"))
    pledge = expired()
    change = mod_client.get(f"/admin/pledges/pledge/{pledge.pk}/change/").content.decode()
    assert f"/admin/pledges/pledge/{pledge.pk}/delete/" not in change
    assert mod_client.get(f"/admin/pledges/pledge/{pledge.pk}/delete/").status_code == 403
    assert (
        mod_client.post(f"/admin/pledges/pledge/{pledge.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    changelist = mod_client.get("/admin/pledges/pledge/?status=all").content.decode()
    assert 'value="delete_selected"' not in changelist
    mod_client.post(
        "/admin/pledges/pledge/?status=all",
        {"action": "delete_selected", "_selected_action": [pledge.pk], "post": "yes"},
    )
    assert Pledge.objects.filter(pk=pledge.pk).exists()


def test_a_superuser_deletes_an_expired_pledge(super_client):
    pledge = expired()
    page = super_client.get(f"/admin/pledges/pledge/{pledge.pk}/change/").content.decode()
    assert f"/admin/pledges/pledge/{pledge.pk}/delete/" in page
    response = super_client.post(f"/admin/pledges/pledge/{pledge.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Pledge.objects.filter(pk=pledge.pk).exists()


@pytest.mark.parametrize("status", list(S))
def test_a_pledge_with_kept_history_is_not_deleted_even_by_a_superuser(super_client, status):
    pledge = make_pledge(status=status)
    events = PledgeEvent.objects.filter(pledge=pledge).count()
    change = f"/admin/pledges/pledge/{pledge.pk}/change/"
    assert (
        f"/admin/pledges/pledge/{pledge.pk}/delete/"
        not in super_client.get(change).content.decode()
    )
    for method in (super_client.get, super_client.post):
        response = method(
            f"/admin/pledges/pledge/{pledge.pk}/delete/", {"post": "yes"}, follow=True
        )
        assert response.status_code == 200
        assert response.redirect_chain == [(change, 302)]
        assert messages_on(response) == [
            f"{pledge.name} was not deleted. The retention rules keep a pledge's history: only "
            "an unverified pledge whose confirmation link has expired can be deleted."
        ]
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    assert PledgeEvent.objects.filter(pledge=pledge).count() == events


def bulk_delete(client, pledges, confirm):
    data = {"action": "delete_selected", "_selected_action": [p.pk for p in pledges]}
    if confirm:
        data["post"] = "yes"
    return client.post("/admin/pledges/pledge/?status=all", data)


def test_the_bulk_action_refuses_all_when_any_history_is_kept(super_client, approved):
    gone = expired()
    for confirm in (False, True):
        response = bulk_delete(super_client, [gone, approved], confirm)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Cannot delete pledges" in page
        assert f"{approved.name} (history kept)" in page
        assert messages_on(response) == [
            f"Not deleted: {approved.name}. The retention rules keep a pledge's history: only "
            "an unverified pledge whose confirmation link has expired can be deleted."
        ]
    assert Pledge.objects.filter(pk__in=[gone.pk, approved.pk]).count() == 2


def test_the_bulk_action_deletes_expired_pledges(super_client):
    pledges = [expired(), expired()]
    page = bulk_delete(super_client, pledges, False).content.decode()
    assert "Are you sure you want to delete the selected pledges?" in page
    response = bulk_delete(super_client, pledges, True)
    assert response.status_code == 302
    assert not Pledge.objects.filter(pk__in=[p.pk for p in pledges]).exists()
