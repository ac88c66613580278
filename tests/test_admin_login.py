import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, password, username="moderator", ip="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_the_account_locks_after_the_configured_failures(client, moderator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    # Even the right password is refused while locked, from that address.
    assert sign_in(client, PASSWORD).status_code == 429


def test_a_superuser_can_unlock_with_a_command(client, moderator):
    for _ in range(5):
        sign_in(client, "wrong")
    assert AccessAttempt.objects.exists()
    call_command("axes_reset", verbosity=0)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_correct_sign_in_works(client, moderator):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302


def test_createsuperuser_works_without_prompts(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "opcc")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "opcc@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long passphrase")
    call_command("createsuperuser", interactive=False, verbosity=0)
    user = django_user_model.objects.get(username="opcc")
    assert user.is_superuser and user.check_password("a long passphrase")
