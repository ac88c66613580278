"""Two app servers sharing one PostgreSQL, one Redis and one media folder, as in production."""

import re
import socket
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import image_bytes, sign_up_answers
from tests.servers import Gunicorn, Postgres, manage, site_env, unless
from tests.visitor import Visitor

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 13  # a database of its own, emptied at the start


def redis_running():
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.slow,  # two gunicorns and a PostgreSQL of their own
    unless(Postgres.BIN is None, "PostgreSQL's server programs are not installed"),
    unless(not redis_running(), "no Redis answers on 127.0.0.1:6379"),
]


def answers(name, **extra):
    fields = {k: v for k, v in sign_up_answers(name=name, **extra).items() if k != "started"}
    return fields


def flush_redis():
    with socket.create_connection(REDIS, timeout=2) as sock:
        sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        assert sock.recv(100).count(b"+OK") >= 1


@pytest.fixture
def two_servers(tmp_path):
    postgres = Postgres()
    postgres.start()
    flush_redis()
    env = site_env(
        DATABASE_URL=postgres.url,
        REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PLEDGE_RATE_LIMIT="3/h",
        MODERATOR_EMAILS="moderators@opcc.example",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "createsuperuser", "--noinput", "--username", "mod", "--email", "mod@opcc.example")
    manage(env, "shell", "-c", "from django.contrib.auth.models import User; "
           "u = User.objects.get(); u.set_password('a long passphrase 1'); u.save()")  # fmt: skip
    servers = []
    try:
        servers = [Gunicorn(env), Gunicorn(env)]
        yield env, *servers
    finally:
        for server in servers:
            server.stop()
        postgres.remove()


def send_emails(env):
    """Run the mail worker once, as the deployment's worker would; return what it printed."""
    return manage(env, "db_worker", "--batch", "--no-startup-delay")


def test_two_servers_share_limits_decisions_and_logos(two_servers):
    env, one, two = two_servers
    visitor = Visitor()

    # A sign-up with a logo through the first server.
    logo = SimpleUploadedFile("logo.png", image_bytes("PNG"), content_type="image/png")
    signed = visitor.post_form(one.url + "/pledge/", answers("Fylde Farms", logo=logo), files=True)
    assert signed.status == 302, signed.text[:2000]
    emails = send_emails(env)
    verify = re.search(r"http://127\.0\.0\.1(/pledge/verify/\S+/)", emails).group(1)
    # Confirmed through the second.
    assert "Thank you for signing" in visitor.post_form(two.url + verify, {}).text
    pk = re.search(r"/admin/pledges/pledge/(\d+)/change/", send_emails(env)).group(1)

    # Approved by a moderator on the first; on the second's wall within a second.
    moderator = Visitor()
    login = moderator.post_form(
        one.url + "/admin/login/", {"username": "mod", "password": "a long passphrase 1"}
    )
    assert login.status == 302
    wall = two.url + "/signatories/"
    assert "Fylde Farms" not in visitor.get(wall).text  # now cached on the second server
    change = f"{one.url}/admin/pledges/pledge/{pk}/change/"
    page = moderator.get(change).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    approve = moderator.request(f"{one.url}/admin/pledges/pledge/{pk}/approve/",
                                {"csrfmiddlewaretoken": token})  # fmt: skip
    assert approve.status == 302
    time.sleep(1.1)  # each process trusts the shared version it read for up to a second
    page = visitor.get(wall).text
    assert "Fylde Farms" in page

    # The logo it uploaded through the first server is served by both.
    logo_url = re.search(r'src="(/media/logos/[0-9a-f]{32}\.png)"', page).group(1)
    for server in (one, two):
        response = visitor.get(server.url + logo_url)
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.body.startswith(b"\x89PNG")

    # The rate limit (3 an hour) is counted across both servers.
    statuses = [
        visitor.post_form(server.url + "/pledge/", answers(f"Limit {n}")).status
        for n, server in enumerate([two, one, two])
    ]
    assert statuses == [302, 302, 429]
