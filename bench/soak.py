"""`bench/soak`: the site under a mixed load for a while, then the checks that matter.

Readers fetch every public page, signers sign up new organisations, a confirmer follows
their links and a moderator approves them through the admin, all at once, for
SOAK_SECONDS (300; `--smoke`: 60), against gunicorn with production settings, the
database in DATABASE_URL, the cache in REDIS_URL and the mail worker. Then it checks
and prints: no 5xx answer, every accepted sign-up in the database exactly once, and
worker memory at the end within 10% of what it was after the warm-up (the first fifth).
It exits non-zero when a check fails.
"""

import argparse
import itertools
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_N", "2000")

from bench import run as bench  # noqa: E402 - after the path and the default size
from tests.visitor import Visitor  # noqa: E402 - shared with the tests that run servers

READERS = 4
SIGNERS = 2
PASSWORD = "soak passphrase " + bench.ENV["DJANGO_SECRET_KEY"][:12]


class Load:
    def __init__(self, url, run_id, slugs):
        self.url, self.run_id, self.slugs = url, run_id, slugs
        self.statuses = Counter()
        self.failures = []  # (path, status) of every 5xx
        self.errors = Counter()  # what stopped a request: a refused connection, say
        self.accepted = []  # names of sign-ups answered with a redirect
        self.verified = self.approved = 0
        self.lock = threading.Lock()
        self.running = True

    def note(self, path, response):
        with self.lock:
            self.statuses[response.status // 100 * 100] += 1
            if response.status >= 500:
                self.failures.append((path, response.status))

    def get(self, visitor, path):
        response = visitor.get(self.url + path)
        self.note(path, response)
        return response

    def post(self, visitor, path, data):
        response = visitor.post_form(self.url + path, data)
        self.note(path, response)
        return response

    def pages(self):
        slug = random.choice(self.slugs)
        return [
            "/", "/about/", "/social-value/", "/spend/", "/spend/figures.csv", "/get-involved/",
            "/privacy/", "/accessibility/", "/pledge/", "/pledge/resend/", "/signatories/",
            f"/signatories/?page={random.randint(1, 40)}", "/signatories/?sort=newest",
            f"/signatories/?district={random.choice(['preston', 'burnley', 'wyre'])}",
            f"/signatories/?q={random.choice(['bakery', 'farm', 'soak', 'works'])}",
            f"/signatories/{slug}/", f"/signatories/{slug}/certificate/",
            f"/signatories/{slug}/badge.svg", "/signatories/feed/", "/sitemap.xml",
            "/robots.txt", "/healthz",
        ]  # fmt: skip

    def keep_going(self, work, *args):
        """Run one step of `work` until time is up, counting whatever stops a step."""
        while self.running:
            try:
                work(*args)
            except Exception as error:
                with self.lock:
                    self.errors[type(error).__name__] += 1
                time.sleep(0.1)

    def read(self, visitor):
        self.get(visitor, random.choice(self.pages()))
        if random.random() < 0.01:  # now and then a whole export
            self.get(visitor, random.choice(["/signatories.csv", "/signatories.json"]))

    def reader(self):
        self.keep_going(self.read, Visitor())

    def signer(self, number):
        self.keep_going(self.sign, Visitor(), number, itertools.count(1))

    def sign(self, visitor, number, counter):
        count = next(counter)
        # Letters between the numbers: a run of digits reads as a phone number, which a
        # name may not hold.
        name = f"Soak {self.run_id} signer {number} no {count}"
        response = self.post(visitor, "/pledge/", {
            "name": name, "organisation_type": "business", "sector": "manufacturing",
            "size": "small", "district": "preston", "postcode": "PR1 2AB",
            "commits_local_spend": "on", "contact_name": "Soak Contact",
            "contact_role": "Tester", "email": f"soak-{self.run_id}-{number}-{count}"
            "@example.invalid", "authorised": "on", "agreed_to_listing": "on",
            "confirm": "yes",  # past the check-your-answers page
        })  # fmt: skip
        if response.status == 302:
            with self.lock:
                self.accepted.append(name)

    def confirmer(self):
        from pledges.models import Pledge
        from pledges.tokens import make_token

        def confirm(visitor):
            waiting = Pledge.objects.filter(
                status=Pledge.Status.UNVERIFIED, name__startswith=f"Soak {self.run_id} "
            )
            for pledge in waiting[:5]:
                response = self.post(visitor, f"/pledge/verify/{make_token(pledge)}/", {})
                self.verified += "Thank you for signing" in response.text
            time.sleep(0.2)

        self.keep_going(confirm, Visitor())

    def moderator(self):
        from pledges.models import Pledge

        def approve(visitor):
            if "sessionid" not in visitor.cookies:
                self.post(visitor, "/admin/login/", {"username": "soak", "password": PASSWORD})
            pending = Pledge.objects.filter(
                status=Pledge.Status.PENDING, name__startswith=f"Soak {self.run_id} "
            ).values_list("pk", flat=True)
            for pk in list(pending[:5]):
                page = self.get(visitor, f"/admin/pledges/pledge/{pk}/change/").text
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                path = f"/admin/pledges/pledge/{pk}/approve/"
                response = visitor.request(self.url + path, {"csrfmiddlewaretoken": token})
                self.note(path, response)
                self.approved += response.status == 302
            time.sleep(0.5)

        self.keep_going(approve, Visitor())


def workers_mb(server):
    return sum(bench.memory_mb(pid) for pid in bench.workers(server))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a one-minute run, for CI")
    parser.add_argument("--seconds", type=int, default=None)
    args = parser.parse_args()
    seconds = args.seconds or (60 if args.smoke else int(os.environ.get("SOAK_SECONDS", 300)))

    bench.django()
    bench.prepare()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from pledges.models import Pledge

    Pledge.objects.filter(name__startswith="Soak ").delete()
    get_user_model().objects.filter(username="soak").delete()
    get_user_model().objects.create_superuser("soak", "soak@example.invalid", PASSWORD)
    slugs = list(Pledge.objects.public().values_list("slug", flat=True)[:200])

    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            return "250 OK"

    mail = Controller(Sink(), hostname="127.0.0.1", port=bench.free_port_any())
    mail.start()
    bench.ENV.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail.port), EMAIL_USE_TLS="0")
    server = mailer = None
    load = None
    try:
        port = bench.free_port()
        server = bench.start_gunicorn(port)
        mailer = bench.start_mail_worker()
        load = Load(f"http://127.0.0.1:{port}", os.urandom(3).hex(), slugs)
        threads = [threading.Thread(target=load.reader) for _ in range(READERS)]
        threads += [threading.Thread(target=load.signer, args=(n,)) for n in range(SIGNERS)]
        threads += [
            threading.Thread(target=load.confirmer),
            threading.Thread(target=load.moderator),
        ]
        for thread in threads:
            thread.start()
        print(f"soak: {seconds} s of mixed load on port {port}", file=sys.stderr)
        time.sleep(seconds / 5)
        start_mb = workers_mb(server)
        time.sleep(seconds - seconds / 5)
        end_mb = workers_mb(server)
        alive = sum(thread.is_alive() for thread in threads)
        load.running = False
        for thread in threads:
            thread.join(60)
    finally:
        if load:
            load.running = False
        bench.stop(server)
        bench.stop(mailer)
        mail.stop()

    counts = dict(
        Pledge.objects.filter(name__in=load.accepted)
        .values("name")
        .annotate(n=Count("pk"))
        .values_list("name", "n")
    )
    missing = [name for name in load.accepted if name not in counts]
    doubled = [name for name, n in counts.items() if n > 1]
    growth = (end_mb - start_mb) / start_mb
    print(
        f"requests: {sum(load.statuses.values()):,} "
        f"({', '.join(f'{k}s: {v:,}' for k, v in sorted(load.statuses.items()))})"
    )
    print(
        f"server errors (5xx): {len(load.failures)}"
        + (f", e.g. {load.failures[:5]}" if load.failures else "")
    )
    print(
        f"sign-ups accepted: {len(load.accepted):,}; in the database: {len(counts):,}; "
        f"missing: {len(missing)}; more than once: {len(doubled)}"
    )
    print(f"confirmed: {load.verified:,}; approved through the admin: {load.approved:,}")
    print(f"requests that failed outright: {sum(load.errors.values())} {dict(load.errors)}; "
          f"load threads still running at the end: {alive} of {len(threads)}")  # fmt: skip
    print(f"worker memory (all workers): {start_mb:.1f} MB after warm-up, {end_mb:.1f} MB "
          f"at the end ({growth:+.1%})")  # fmt: skip
    checks = {
        "no 5xx, and no request failed outright": not load.failures and not load.errors,
        "every load thread ran to the end": alive == len(threads),
        "every accepted sign-up stored once": not missing and not doubled,
        "memory within 10%": growth <= 0.10,
        "the load ran": min(len(load.accepted), load.verified, load.approved) > 0,
    }
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}: {check}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
