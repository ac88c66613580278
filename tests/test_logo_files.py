"""A logo's file goes when the pledge lets it go, whichever path did it, once that is saved."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from pledges.models import Pledge
from tests.factories import image_bytes, make_pledge
from tests.test_rules import admin_edit

pytestmark = pytest.mark.django_db

S = Pledge.Status


@pytest.fixture
def with_logo(settings):
    pledge = make_pledge(status=S.APPROVED)
    pledge.logo.save("l.png", ContentFile(image_bytes()))
    path = settings.MEDIA_ROOT / pledge.logo.name
    assert path.exists()
    return pledge, path


def test_replacing_a_logo_in_the_admin_removes_the_old_file(
    mod_client, with_logo, settings, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    new = SimpleUploadedFile("new.png", image_bytes(colour=(0, 90, 40)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, logo=new)
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert pledge.logo.name != old.name
    assert (settings.MEDIA_ROOT / pledge.logo.name).exists()
    assert not old.exists()


def test_clearing_a_logo_in_the_admin_removes_its_file(
    mod_client, with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, **{"logo-clear": "on"})
    assert response.status_code == 302, errors
    pledge.refresh_from_db()
    assert not pledge.logo
    assert not old.exists()


def test_an_edit_that_keeps_the_logo_keeps_its_file(
    mod_client, with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        response, errors = admin_edit(mod_client, pledge, statement="New words.")
    assert response.status_code == 302, errors
    assert old.exists()


def test_the_file_stays_while_the_change_is_not_committed(with_logo):
    pledge, old = with_logo
    pk = pledge.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        pledge.delete()
        raise RuntimeError("the change is rolled back")
    assert old.exists()
    assert Pledge.objects.filter(pk=pk).exists()


def test_deleting_a_pledge_removes_its_logo(with_logo, django_capture_on_commit_callbacks):
    pledge, old = with_logo
    with django_capture_on_commit_callbacks(execute=True):
        Pledge.objects.filter(pk=pledge.pk).delete()
    assert not old.exists()


def test_the_purge_removes_the_logos_of_what_it_erases(
    with_logo, django_capture_on_commit_callbacks
):
    pledge, old = with_logo
    Pledge.objects.filter(pk=pledge.pk).update(
        status=S.WITHDRAWN, withdrawn_at=pledge.submitted_at.replace(year=2020)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_pledges", verbosity=0)
    assert not old.exists()
