import fcntl
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import whitenoise.compress
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands import db_worker
from pytest_django.plugin import validate_django_db

from backing_lancashire import freshness
from backing_lancashire.onspd import read, replace
from pledges.models import Pledge
from tests.factories import make_pledge


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests that empty the database as they end (the browser tests, and the others
    in a real transaction) last, as Django orders them.

    pytest-django sorts them so, but pytest's own fixture ordering runs after it and
    groups the tests by Playwright's session-wide browser parameter, which put the
    browser tests among the others: a test after them on the same worker found no
    Moderators group and no campaign content. So sort again, after every other plugin
    (a stable sort: the order within each kind stays).
    """
    items.sort(key=lambda item: 1 if empties_database(item) else 0)


def empties_database(item):
    marker = item.get_closest_marker("django_db")
    transaction = bool(marker) and validate_django_db(marker)[0]
    return transaction or bool({"live_server", "transactional_db"} & set(item.fixturenames))


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _collected_static(request, tmp_path_factory):
    # Pages name hashed static files, which exist only after collectstatic; run it
    # every time (about 2 s) so that a new or changed file is never missing. With brotli
    # installed (for the postcode directory) WhiteNoise would also write a .br of each
    # file at brotli's slowest setting, 17 s here; a deploy wants them, the tests do not
    # ask for them, so the tests' copy is gzip only.
    whitenoise.compress.brotli_installed = False
    if not hasattr(request.config, "workerinput"):
        call_command("collectstatic", interactive=False, verbosity=0)
        return
    # Under pytest -n the workers share STATIC_ROOT: the first runs it, the others wait,
    # so that none reads a manifest another is writing.
    run = tmp_path_factory.getbasetemp().parent  # the same folder for every worker
    with open(run / "collectstatic.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = run / "collectstatic.done"
        if not done.exists():
            call_command("collectstatic", interactive=False, verbosity=0)
            done.touch()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with PostgreSQL's freed before they are dropped.

    A thread a test starts (a browser test's server, a race test) can leave its own
    connection open until it is garbage-collected, and PostgreSQL refuses to drop a
    database anyone is connected to: the run would end in an error after every test passed.
    """
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Rate-limit counters live in the cache, and logos in MEDIA_ROOT: neither may
    # leak from one test into the next. The shared cache is this process's memory:
    # the database's would count in every query count, and tests that need no
    # database would need one. Servers the tests start use the real settings.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for alias in ("default", "pages"):
        caches[alias].clear()
    freshness.forget()
    settings.MEDIA_ROOT = tmp_path / "media"
    # Django's PBKDF2 takes about half a second a password by design, for each user made
    # and each sign-in tried; MD5 keeps the tests quick. What is tested is who may sign
    # in, not the hash, and the servers some tests start still use the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests that sign in through the login form need no authenticator app; the tests of
    # the second factor (tests/test_staff_mfa.py) turn it on.
    settings.STAFF_MFA_REQUIRED = False
    yield
    cache.clear()


# The staff users' password, for tests that sign in through the login form.
PASSWORD = "a long passphrase"


# The outward codes the tests' postcodes are in: Preston (PR1 2AB, make_pledge's), Ribble
# Valley (BB7 2AA, sign_up_answers'), Nelson and Colne (Pendle, the browser journeys'),
# Manchester, Windermere (Westmorland and Furness, in a Lancaster-looking LA area),
# London, and FY4, which has postcodes without a council.
TEST_OUTWARDS = {"PR1", "BB7", "BB8", "BB9", "M1", "LA23", "SW1A", "FY4"}


@pytest.fixture(scope="session")
def postcode_rows():
    """The directory's rows for TEST_OUTWARDS, read from the package once a session."""
    return [(letter, rows) for letter, rows in read(outwards=TEST_OUTWARDS)]


@functools.cache
def _directory_rows(outwards):
    return [(letter, rows) for letter, rows in read(outwards=outwards)]


def load_postcodes(*outwards):
    """The directory's postcodes in these outward codes, in the test's database: read from
    the package once a process for each set (reading is most of the cost)."""
    return replace(_directory_rows(frozenset(outwards)))


@pytest.fixture
def postcodes(db, postcode_rows):
    """The postcode directory for TEST_OUTWARDS, in the test's database: the sign-up and
    manage forms find the district from it."""
    return replace(postcode_rows)


@pytest.fixture
def staff(django_user_model):
    """A member of staff in no group: may sign in to the admin, and may do nothing there."""
    return django_user_model.objects.create_user(
        "staff", "staff@opcc.example", PASSWORD, is_staff=True
    )


@pytest.fixture
def moderators_group():
    """The Moderators group, as the data migration pledges/0003 makes it."""
    return Group.objects.get(name="Moderators")


@pytest.fixture
def moderator(django_user_model, moderators_group):
    """A member of staff in the Moderators group."""
    user = django_user_model.objects.create_user(
        "moderator", "moderator@opcc.example", PASSWORD, is_staff=True
    )
    user.groups.add(moderators_group)
    return user


@pytest.fixture
def mod_client(client, moderator):
    """The test client, signed in as the moderator."""
    client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
    return client


# A pledge in each status. Tests that need particular answers call make_pledge.


@pytest.fixture
def unverified():
    """Signed up, its email address not yet confirmed."""
    return make_pledge(status=Pledge.Status.UNVERIFIED)


@pytest.fixture
def pending():
    """Confirmed, waiting for a moderator."""
    return make_pledge(status=Pledge.Status.PENDING)


@pytest.fixture
def approved():
    """On the wall, with a statement."""
    return make_pledge(status=Pledge.Status.APPROVED, statement="We buy local.")


@pytest.fixture
def rejected():
    return make_pledge(status=Pledge.Status.REJECTED)


@pytest.fixture
def withdrawn():
    return make_pledge(status=Pledge.Status.WITHDRAWN)


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k8#Jq2!vW9zP4rT7yU1oE6aS3dF5gH0jK2lZ8xC4vB6nM1qW3eR5tY7uI9oP",
    "DJANGO_ALLOWED_HOSTS": "backinglancashire.example",
    "SITE_URL": "https://backinglancashire.example",
    "EMAIL_HOST": "smtp.backinglancashire.example",
}


@pytest.fixture
def send_queued(monkeypatch):
    """Send the emails that are due, with the worker of `manage.py db_worker --batch`.

    Between tasks the worker closes stale connections; inside a test's transaction that
    would end the test's own, so it is left out here, as Django's test client leaves it
    out around each request.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def send():
        db_worker.Worker(
            queue_names=["default"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tests",
        ).run()

    return send


@pytest.fixture
def run_django():
    """Run Python in a fresh process with the project's settings and the given environment.

    For what must be seen from outside the test process: start-up failures,
    `check --deploy` under production variables, a database that is not there.
    A test that starts a process is marked slow.
    """

    def run(code, env):
        full_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
            "DJANGO_SETTINGS_MODULE": "backing_lancashire.settings",
            **env,
        }
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run
