"""Pages whose address holds an emailed token are kept by no cache, passed on in no
Referer, and their addresses are written in no log, in development or production."""

import io
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from pledges.tokens import make_manage_token, make_token
from tests.conftest import PRODUCTION_ENV, ROOT
from tests.servers import free_port, wait_for

pytestmark = pytest.mark.django_db

SECRET = "Zm9yZ2VkLXNlY3JldC10b2tlbg"  # not a valid token: each page says so, and logs it


PAGES = [
    ("get", "/pledge/verify/{verify}/", 200),
    ("get", f"/pledge/verify/{SECRET}/", 400),
    ("get", "/pledge/manage/{manage}/", 200),
    ("get", f"/pledge/manage/{SECRET}/", 400),
    ("get", "/pledge/manage/{manage}/withdraw/", 200),
    ("post", f"/pledge/manage/{SECRET}/withdraw/", 400),
]


@pytest.mark.parametrize("method, url, status", PAGES)
def test_token_pages_are_kept_by_no_cache_and_passed_on_in_no_referer(
    client, unverified, approved, method, url, status
):
    url = url.format(verify=make_token(unverified), manage=make_manage_token(approved))
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_saved_change_redirects_with_the_same_headers(client, approved):
    url = f"/pledge/manage/{make_manage_token(approved)}/"
    data = {"name": approved.name, "size": approved.size, "commits_jobs": "on"}
    data.update({f: getattr(approved, f) for f in ("contact_name", "contact_role", "email")})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_their_forms_work_as_a_browser_sends_them_under_no_referrer(unverified, approved):
    # With no Referer allowed, a browser posts a form with `Origin: null`: the token in
    # the address, not the CSRF check, is what lets a post through.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    confirmed = browser.post(f"/pledge/verify/{make_token(unverified)}/")
    assert "Thank you for signing" in confirmed.content.decode()
    withdrawn = browser.post(f"/pledge/manage/{make_manage_token(approved)}/withdraw/")
    assert withdrawn.status_code == 302
    approved.refresh_from_db()
    assert approved.status == approved.Status.WITHDRAWN
    # Forms elsewhere keep the CSRF check.
    assert browser.post("/pledge/resend/", {"email": "a@example.org"}).status_code == 403


def every_stream_handler():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return {
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and not type(handler).__module__.startswith("_pytest")
    }


@pytest.fixture
def written():
    """Everything the site's own log handlers print, whichever logger they belong to."""
    out = io.StringIO()
    handlers = every_stream_handler()
    assert handlers
    before = {handler: handler.setStream(out) for handler in handlers}
    yield out
    for handler, stream in before.items():
        handler.setStream(stream)


@pytest.mark.parametrize("debug", [True, False])
def test_no_log_handler_writes_a_token(client, settings, written, debug):
    settings.DEBUG = debug
    assert client.get(f"/pledge/verify/{SECRET}/").status_code == 400  # "Bad Request: ..."
    assert client.get(f"/pledge/manage/{SECRET}/logo").status_code == 404  # "Not Found: ..."
    # What runserver writes for each request it serves.
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET /pledge/manage/{SECRET}/ HTTP/1.1", "400", "1234"
    )
    log = written.getvalue()
    assert "/pledge/verify/[token]/" in log
    assert "/pledge/manage/[token]/logo" in log
    assert '"GET /pledge/manage/[token]/ HTTP/1.1" 400 1234' in log
    assert SECRET not in log


def serve_and_read_log(command, env, port):
    """Start a server, ask it for two token pages, stop it, and return all it printed."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def up():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return True
            except urllib.error.HTTPError as answered:  # up, if not healthy: enough here
                answered.close()
                return True
            except OSError:
                return False

        assert wait_for(up, seconds=30), "the server did not start"
        for path in (f"/pledge/verify/{SECRET}/", f"/pledge/manage/{SECRET}/"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": env["HOST"]}
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 400
            refused.value.close()
        time.sleep(0.5)  # let the last request line be written
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    return output


@pytest.mark.slow
def test_runserver_in_development_writes_no_token(tmp_path):
    port = free_port()
    env = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "backing_lancashire.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = serve_and_read_log(command, env, port)
    assert "/pledge/verify/[token]/" in log and "/pledge/manage/[token]/" in log, log
    assert SECRET not in log, log


@pytest.mark.slow
def test_gunicorn_in_production_writes_no_token_even_in_its_access_log(tmp_path):
    port = free_port()
    env = {
        **PRODUCTION_ENV,
        "DJANGO_ALLOWED_HOSTS": "backinglancashire.example,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "backing_lancashire.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HOST": "backinglancashire.example",
    }
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    command = [
        gunicorn, "backing_lancashire.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--access-logfile", "-", "--error-logfile", "-", "--no-control-socket",
    ]  # fmt: skip
    log = serve_and_read_log(command, env, port)
    assert "/pledge/verify/[token]/" in log and "/pledge/manage/[token]/" in log, log
    assert SECRET not in log, log
