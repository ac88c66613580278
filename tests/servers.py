"""Real servers for the fault and several-server tests: PostgreSQL, gunicorn, a browser-less
visitor. Each test starts its own and stops them again."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PRODUCTION_ENV, ROOT


def unless(missing, reason):
    """Skip when a server the test starts cannot be had here; under REQUIRE_SERVICES=1
    (as in CI) stop the run instead, so that a missing server never passes unseen."""
    if missing and os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"REQUIRE_SERVICES=1, but {reason}")
    return pytest.mark.skipif(missing, reason=reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, seconds=20, every=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


class Postgres:
    """A PostgreSQL server of the test's own, in a temporary folder, that it may stop."""

    BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"))), None)

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="bl-pg-")
        self.data = Path(self.folder) / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        # PostgreSQL refuses to run as root: run it as the postgres user then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, program, *args):
        subprocess.run(
            [*self.as_owner, f"{self.BIN}/{program}", *args], check=True, capture_output=True
        )

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = f"{self.folder}/log"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        subprocess.run(
            [*self.as_owner, f"{self.BIN}/pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def site_env(**overrides):
    """Production settings for a site on loopback over plain HTTP."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "backing_lancashire.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_HOST": "",  # the worker prints the emails, for the test to read
        "PLEDGE_MIN_FILL_SECONDS": "0",
        # The tests' moderators sign in with a password; the second factor has tests of its own.
        "STAFF_MFA_REQUIRED": "0",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Gunicorn:
    """The site under gunicorn, as in production, on a free loopback port."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backing_lancashire.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if not wait_for(self._answers):
            self.stop()
            raise AssertionError(f"gunicorn did not start:\n{self.output()}")

    def _answers(self):
        try:
            urllib.request.urlopen(self.url + "/robots.txt", timeout=2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if not self.process.stdout.closed:
            self._output = self.process.stdout.read()
            self.process.stdout.close()

    def output(self):
        """What gunicorn and the site printed, once stopped."""
        self.stop()
        return self._output
