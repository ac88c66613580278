"""When what the site stands on fails: the database or the cache goes, and comes back.

The mail server going is in test_mail_server.py."""

import pytest

from backing_lancashire import freshness
from pledges.models import Pledge
from tests.factories import sign_up_answers
from tests.servers import Gunicorn, Postgres, free_port, manage, site_env, unless
from tests.visitor import Visitor

needs_postgres = unless(Postgres.BIN is None, "PostgreSQL's server programs are not installed")


def answers(name):
    return {k: v for k, v in sign_up_answers(name=name).items() if k != "started"}


@pytest.fixture
def postgres():
    server = Postgres()
    server.start()
    yield server
    server.remove()


@pytest.mark.slow  # a PostgreSQL and a gunicorn of its own
@needs_postgres
def test_with_the_database_gone_pages_say_so_and_the_same_server_recovers(postgres):
    env = site_env(DATABASE_URL=postgres.url)
    manage(env, "migrate", "--noinput")
    site = Gunicorn(env, workers=1)  # one process, so that "/" is in its page cache
    try:
        visitor = Visitor()
        assert visitor.get(site.url + "/").status == 200  # now in the page cache
        assert visitor.get(site.url + "/healthz").status == 200

        postgres.stop()
        uncached = visitor.get(site.url + "/signatories/?q=bakery")
        assert uncached.status == 503
        assert uncached.headers["Retry-After"] == "60"
        assert "Sorry, the service is unavailable" in uncached.text
        assert 'href="/static/' in uncached.text  # in the site's own style
        for secret in ("Traceback", "OperationalError", "postgres", str(postgres.port)):
            assert secret not in uncached.text
        assert visitor.get(site.url + "/healthz").status == 503
        # A page already rendered is still served from the cache.
        assert visitor.get(site.url + "/").status == 200

        refused = visitor.post_form(site.url + "/pledge/", answers("Outage Bakery"))
        assert refused.status == 503
        assert "it has not been saved" in refused.text

        postgres.start()  # the same server, not restarted
        assert visitor.get(site.url + "/healthz").status == 200
        assert visitor.get(site.url + "/signatories/?q=bakery").status == 200
        saved = visitor.post_form(site.url + "/pledge/", answers("After Bakery"))
        assert saved.status == 302
    finally:
        site.stop()
    # Nothing half-saved: only the pledge sent after the database came back.
    names = manage(env, "shell", "-v", "0", "-c", "from pledges.models import Pledge; "
                   "print(sorted(Pledge.objects.values_list('name', flat=True)))")  # fmt: skip
    assert names.strip() == "['After Bakery']"


@pytest.fixture
def redis_gone(settings):
    """The cache configured as in production, at an address where no Redis answers."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        },
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    freshness.forget()


@pytest.mark.django_db
def test_with_the_cache_gone_pages_render_and_logs_say_why(client, redis_gone, caplog, approved):
    for url in ("/", "/signatories/", approved.get_absolute_url(), "/spend/", "/signatories.csv"):
        assert client.get(url).status_code == 200, url
    assert any(
        r.name.startswith("django_redis") and "Connection refused" in str(r.exc_info[1])
        for r in caplog.records
    )


@pytest.mark.django_db
def test_with_the_cache_gone_nothing_is_served_stale(client, redis_gone, pending):
    assert pending.name not in client.get("/signatories/").content.decode()
    Pledge.objects.filter(pk=pending.pk).update(status=Pledge.Status.APPROVED)  # elsewhere
    freshness.forget()  # a second later
    assert pending.name in client.get("/signatories/").content.decode()


class FlakyCache:
    """The default cache, which answers as an unreachable django-redis does while `down`."""

    def __init__(self, real):
        self.real, self.down, self.calls = real, False, 0

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls += 1
            return None if self.down else getattr(self.real, name)(*args, **kwargs)

        return call


@pytest.fixture
def flaky(monkeypatch):
    from django.core.cache import cache

    flaky = FlakyCache(cache)
    monkeypatch.setattr(freshness, "cache", flaky)
    freshness.forget()
    return flaky


def a_second_later():
    freshness._remembered["at"] -= freshness.REMEMBER


@pytest.mark.django_db
def test_a_change_made_while_the_cache_was_down_moves_the_version_once_it_is_back(flaky):
    before = freshness.version()
    flaky.down = True
    a_second_later()
    assert freshness.version() is None
    freshness.changed()  # an approval, say: the new version cannot be written
    flaky.down = False
    a_second_later()
    after = freshness.version()
    # Every other process still holding pages or ETags under `before` drops them.
    assert after not in (None, before)
    assert flaky.real.get(freshness.VERSION_KEY) == after


def test_an_unreachable_cache_is_tried_once_a_second_not_on_every_call(flaky):
    flaky.down = True
    for _ in range(20):
        assert freshness.version() is None
    assert flaky.calls == 2  # one get and one add, then a second's rest
    a_second_later()
    freshness.version()
    assert flaky.calls == 4


@pytest.mark.django_db
def test_with_the_cache_gone_sign_ups_go_through_unlimited_as_documented(
    client, redis_gone, settings
):
    settings.PLEDGE_RATE_LIMIT = "1/h"
    for n in range(3):
        answers = sign_up_answers(name=f"Organisation {n}", email=f"o{n}@example.org")
        assert client.post("/pledge/", answers).status_code == 302
    assert Pledge.objects.count() == 3
