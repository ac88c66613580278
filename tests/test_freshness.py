"""Public pages renew when, and only when, something public changes, whoever changes it."""

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from backing_lancashire import freshness
from pledges.models import Pledge
from tests.conftest import ROOT
from tests.factories import make_pledge
from tests.servers import free_port, manage, site_env, wait_for

pytestmark = pytest.mark.django_db

S = Pledge.Status


@pytest.fixture
def moves():
    """Whether the public version moved since the last call."""
    last = [freshness.version()]

    def moved():
        freshness.forget()  # as a second later: read the shared version again
        now = freshness.version()
        changed, last[0] = now != last[0], now
        return changed

    return moved


def test_an_approval_moves_the_version_and_a_confirmation_does_not(moves):
    pledge = make_pledge()
    assert not moves()
    pledge.verify()
    assert not moves()  # pending: nothing public yet
    pledge.approve(by=None)
    assert moves()


@pytest.mark.parametrize("status, public", [(S.PENDING, False), (S.APPROVED, True)])
def test_an_edit_moves_the_version_only_when_the_public_sees_it(moves, status, public):
    pledge = make_pledge(status=status)
    moves()
    pledge.statement = "New words."
    pledge.save()
    assert moves() is public


def test_a_private_edit_to_an_approved_pledge_leaves_the_pages_alone(moves):
    pledge = make_pledge(status=S.APPROVED)
    moves()
    pledge.moderator_note = "Rang them."
    pledge.contact_role = "Director"
    pledge.save()
    assert not moves()


def test_withdrawing_and_deleting_move_the_version(moves):
    first, second = make_pledge(status=S.APPROVED), make_pledge(status=S.APPROVED)
    moves()
    first.withdraw(by=None)
    assert moves()
    second.delete()
    assert moves()
    make_pledge(status=S.PENDING).delete()
    assert not moves()


def test_seeding_and_removing_demo_signatories_move_the_version(moves):
    call_command("seed_signatories", 3, verbosity=0)
    assert moves()
    call_command("seed_signatories", delete=True, verbosity=0)
    assert moves()


def dev_env(tmp_path):
    """What `make run` gives: debug on, SQLite, no Redis."""
    return site_env(
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        REDIS_URL="",
        PLEDGE_RATE_LIMIT="off",
    )


@pytest.fixture
def dev_server(tmp_path):
    env = dev_env(tmp_path)
    manage(env, "migrate", "--noinput")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/signatories/"

    def wall():
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()

    try:
        assert wait_for(lambda: _answers(wall)), "runserver did not start"
        yield env, wall
    finally:
        server.terminate()
        server.wait(10)


def _answers(fetch):
    try:
        fetch()
        return True
    except OSError:
        return False


def shows_at_once(wall, name):
    """On the wall within the second each process trusts the version it read."""
    return wait_for(lambda: name in wall(), seconds=2, every=0.2)


@pytest.mark.slow
def test_a_change_from_another_process_shows_on_the_development_server_at_once(dev_server):
    env, wall = dev_server
    assert "No. " not in wall()  # and now cached by the server
    manage(env, "seed_signatories", "2")
    assert shows_at_once(wall, "No. ")

    code = (
        "from pledges.models import Pledge\n"
        "from tests.factories import make_pledge\n"
        "make_pledge(status=Pledge.Status.PENDING, name='Wyre Wheelwrights')"
        ".approve(by=None)\n"
    )
    assert "Wyre Wheelwrights" not in wall()
    start = time.monotonic()
    manage(env, "shell", "-c", code)
    assert shows_at_once(wall, "Wyre Wheelwrights")
    assert time.monotonic() - start < 10  # the shell's own start-up is most of it
    assert re.search(r"Wyre Wheelwrights</a>", wall())
