"""`make bench`: load-test the site under gunicorn and compare it with its own ceiling.

Seeds DATABASE_URL to BENCH_N approved signatories, starts gunicorn with production
settings on a free loopback port and the mail worker beside it (at the lowest CPU
priority, as a deployment should run it), drives each endpoint with wrk at a fixed
concurrency, and prints a table (also written to bench/results/<date>-<N>.json).
Everything it starts is stopped again, even when interrupted.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, the project is not on the path
RESULTS = ROOT / "bench" / "results"

N = int(os.environ.get("BENCH_N", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
OUTPUT = os.environ.get("BENCH_OUTPUT")  # a file for the JSON instead of bench/results/
# Only the endpoints of these kinds (say "ceiling,varied"), for a quicker run; all by default.
ONLY = {kind for kind in os.environ.get("BENCH_ONLY", "").split(",") if kind}

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "SITE_URL": "http://127.0.0.1",
    "PLEDGE_RATE_LIMIT": "off",
    "DOWNLOAD_RATE_LIMIT": "off",  # the load fetches the whole exports again and again
    "PLEDGE_MIN_FILL_SECONDS": "0",
    "STAFF_MFA_REQUIRED": "0",  # the soak's moderator signs in with a password alone
    "LOG_LEVEL": "WARNING",
}


def fail(message):
    sys.exit(f"bench: {message}")


def new_run_id():
    """What the sign-up names of one run start with. Letters only: a hex id of six digits,
    with the run's number after it, read as a phone number, and a name may not hold one,
    so every sign-up of one run in sixteen was refused."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))


def free_port():
    wanted = os.environ.get("BENCH_PORT")
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", int(wanted or 0)))
        except OSError:
            fail(f"port {wanted} is in use; set BENCH_PORT to a free one or leave it unset")
        return sock.getsockname()[1]


def django():
    """Set Django up in this process too, on the same database, to seed and count."""
    os.environ.update(ENV)
    import django as dj

    dj.setup()


# The supplier search's visits (bench/suppliers_near.lua) and the postcode areas their
# postcodes are in, which are also the areas the demo signatories are placed in:
# Lancashire's, its neighbours' in the North West, and Westminster's, far from them all.
NEAR_SCRIPT = "suppliers_near.lua"
POSTCODE_AREAS = ["PR", "BB", "FY", "LA", "L", "WN", "M", "BL", "OL", "CA", "SW"]


def near_postcodes():
    """The postcodes that bench/suppliers_near.lua searches near."""
    script = (ROOT / "bench" / NEAR_SCRIPT).read_text()
    listed = script.split("local postcodes = {", 1)[1].split("}", 1)[0]
    return re.findall(r'"([A-Z0-9 ]+)"', listed)


def load_postcodes():
    """The postcode directory for POSTCODE_AREAS, loaded once: a rerun finds it there.

    Loaded before seeding, as the demo signatories are placed at postcodes of their
    districts only when it is there. The script's postcodes are in every one of those
    areas, and the directory is loaded an area at a time: when they are all found, so are
    the areas.
    """
    from django.core.management import call_command

    from backing_lancashire import postcodes

    wanted = near_postcodes()
    if len(postcodes.find_many(wanted)) == len(wanted):
        return
    call_command("load_postcodes", areas=POSTCODE_AREAS, verbosity=0)
    if missing := sorted(set(wanted) - set(postcodes.find_many(wanted))):
        fail(f"not in the postcode directory: {', '.join(missing)} (bench/{NEAR_SCRIPT})")


def prepare():
    """Migrate and seed the database to exactly N approved signatories."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        fail(f"cannot use the database in DATABASE_URL: {error}".strip())
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_postcodes()
    from django_tasks_db.models import DBTaskResult

    from pledges.management.commands.seed_signatories import DEMO_DOMAIN
    from pledges.models import Pledge, locate

    demo = Pledge.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    demo.filter(name__startswith="Bench ").delete()
    DBTaskResult.objects.all().delete()
    # Signatories seeded before the postcode directory was there have no place, and those
    # seeded before places were postcode sectors' centres are elsewhere: the supplier
    # search near a postcode would find none of them, or the wrong ones. Seed them again.
    approved = demo.filter(status=Pledge.Status.APPROVED)
    first = approved.order_by("pk").first()
    if first and (
        approved.filter(easting__isnull=True).exists()
        or (first.easting, first.northing) != locate(first.postcode)
    ):
        call_command("seed_signatories", delete=True, verbosity=0)
    have = Pledge.objects.public().count()
    if have > N:
        call_command("seed_signatories", delete=True, verbosity=0)
        have = Pledge.objects.public().count()
    # Some of those seeded have lapsed, as real ones do: seed again until N are listed.
    while have < N:
        call_command("seed_signatories", N - have)
        have = Pledge.objects.public().count()
    return have


def endpoints():
    from django.contrib.staticfiles.storage import staticfiles_storage

    from pledges.models import Pledge

    first = Pledge.objects.public().order_by("name").first()
    return [
        ("ceiling: static file", staticfiles_storage.url("css/site.css"), "ceiling"),
        ("ceiling: fixed view", "/__bench__/fixed", "ceiling"),
        # The varied wall below is driven by 4 connections: its ceiling, measured alike.
        (
            "ceiling: static file, 4 connections",
            staticfiles_storage.url("css/site.css"),
            "ceiling4",
        ),
        ("wall, varied and uncached (4 connections)", "/signatories/", "varied"),
        ("suppliers near a postcode, varied and uncached (4 connections)", "/suppliers/", "near"),
        ("home", "/", "cached"),
        ("wall", "/signatories/", "cached"),
        ("wall filtered", "/signatories/?district=preston&sector=manufacturing", "filtered"),
        ("wall searched", "/signatories/?q=bakery", "filtered"),
        ("signatory page", first.get_absolute_url(), "cached"),
        ("spend", "/spend/", "cached"),
        ("impact", "/impact/", "cached"),
        ("signatories.json", "/signatories.json", "export"),
        ("signatories.csv", "/signatories.csv", "export"),
        ("signatories.csv, unchanged", "/signatories.csv", "conditional"),
        ("sign-up POST", "/pledge/", "post"),
    ]


# Real visitors' searches, filters and pages (bench/wall_varied.lua): few connections,
# as the uncached wall costs more than a cached page, and each request a new address.
VARIED_CONNECTIONS = 4
# One such visit, for the queries it costs (a new address, so not from the page cache).
VARIED_EXAMPLE = "/signatories/?q=bakery+bacup&district=rossendale&sort=newest&page=2"
# The supplier search near a postcode (bench/suppliers_near.lua), driven the same way.
NEAR_EXAMPLE = "/suppliers/?q=catering&near=PR1+2HE&within=10&size=sme&page=2"


def queries_per_request(path, method="get"):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if method == "post":
        return None  # counted by the test suite; a POST here would add a row
    if method != "uncached":
        client.get(path)  # warm the caches, as under load
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context)


def start_gunicorn(port):
    command = [
        sys.executable, "-m", "gunicorn", "backing_lancashire.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
        "--no-control-socket", "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=ENV, start_new_session=True)
    for _ in range(100):
        time.sleep(0.2)
        if server.poll() is not None:
            fail("gunicorn stopped while starting (see its output above)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            continue
    stop(server)
    fail("gunicorn did not answer /healthz within 20 s")


def start_mail_worker():
    command = ["nice", "-n", "19", sys.executable, "manage.py", "db_worker", "--verbosity", "0"]
    return subprocess.Popen(command, cwd=ROOT, env=ENV, start_new_session=True)


def mail_drained(sink, started):
    """Wait for the queue to empty after the sign-ups; how long it took, and what was sent."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    while waiting.exists():
        if time.perf_counter() - started > 600:
            fail("the mail queue did not empty within 10 minutes: is the mail worker running?")
        time.sleep(0.5)
    return {
        "queued": DBTaskResult.objects.count(),
        "sent": sink.received,
        "failed": DBTaskResult.objects.filter(status="FAILED").count(),
        "drained_s_after_last_signup": round(time.perf_counter() - started, 1),
    }


def stop(server):
    if server and server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_mb(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def csrf_pair(port):
    """A CSRF cookie and form token, read by hand: the cookie is Secure, so no jar keeps it."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/pledge/") as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    cookie = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken="))
    return cookie, token


# Whole exports are few and large: a handful at once, each allowed its full time.
EXPORT_CONNECTIONS = 4


def wrk(port, path, script, extra_env=None, connections=CONNECTIONS, headers=()):
    command = [
        "wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "30s",
        "-s", str(ROOT / "bench" / script), f"http://127.0.0.1:{port}{path}",
        *[arg for header in headers for arg in ("-H", header)],
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, env={**ENV, **(extra_env or {})}, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        fail(f"wrk gave no summary for {path}:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


def run_endpoint(port, name, path, kind, run_id):
    if kind == "export":
        return wrk(port, path, "report.lua", connections=EXPORT_CONNECTIONS)
    if kind == "varied":
        return wrk(port, path, "wall_varied.lua", connections=VARIED_CONNECTIONS)
    if kind == "near":
        return wrk(port, path, NEAR_SCRIPT, connections=VARIED_CONNECTIONS)
    if kind == "ceiling4":
        return wrk(port, path, "report.lua", connections=VARIED_CONNECTIONS)
    if kind == "conditional":
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
            etag = response.headers["ETag"]
        return wrk(port, path, "report.lua", headers=[f"If-None-Match: {etag}"])
    if kind != "post":
        # Warm up first: the numbers are for a site in use, not its first request.
        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
        return wrk(port, path, "report.lua")
    from pledges.models import Pledge

    cookie, token = csrf_pair(port)
    before = Pledge.objects.filter(name__startswith=f"Bench {run_id} ").count()
    stats = wrk(port, path, "signup.lua", {
        "BENCH_CSRF_COOKIE": cookie, "BENCH_CSRF_TOKEN": token, "BENCH_RUN_ID": run_id,
    })  # fmt: skip
    rows = Pledge.objects.filter(name__startswith=f"Bench {run_id} ")
    # Requests sent before time was up may still be finishing: wait until none are.
    settled = -1
    while settled != (settled := rows.count()):
        time.sleep(0.5)
    stats["rows_added"] = settled - before
    stats["distinct_names"] = rows.values("name").distinct().count()
    return stats


def summarise(name, path, kind, runs, queries):
    rps = [r["requests"] / (r["duration_us"] / 1e6) for r in runs]
    median_run = sorted(runs, key=lambda r: r["requests"])[len(runs) // 2]
    row = {
        "endpoint": name,
        "path": path,
        "kind": kind,
        "requests_per_s": {"min": min(rps), "median": statistics.median(rps), "max": max(rps)},
        # Percentiles all from the run with the median request rate, so that they agree.
        "p50_ms": median_run["p50_us"] / 1000,
        "p95_ms": median_run["p95_us"] / 1000,
        "p99_ms": median_run["p99_us"] / 1000,
        "errors": sum(r["errors_status"] + r["errors_socket"] for r in runs),
        "bytes_per_response": round(median_run["bytes"] / max(median_run["requests"], 1)),
        "queries_per_request": queries,
        "runs": runs,
    }
    if kind == "post":
        row["accepted"] = sum(r["accepted"] for r in runs)
        # Answers other than the redirect to "check your email" (a form shown again),
        # with the last one's status, to tell why a sign-up was not accepted.
        row["not_accepted"] = sum(r["other"] for r in runs)
        row["not_accepted_status"] = max(r["other_status"] for r in runs)
        row["rows_added"] = sum(r["rows_added"] for r in runs)
        # wrk stops counting when time is up, but requests already sent still finish:
        # a few more rows than counted answers is expected, fewer would be a lost pledge.
        row["lost"] = max(0, row["accepted"] - row["rows_added"])
        row["duplicated"] = sum(r["rows_added"] - r["distinct_names"] for r in runs)
        row["finished_after_time_up"] = row["rows_added"] - row["accepted"]
    return row


def csv_download(port, server):
    """Download the whole CSV three times: the median time, and the most memory gained."""
    runs = []
    for _ in range(RUNS):
        before = {pid: memory_mb(pid) for pid in workers(server)}
        started = time.perf_counter()
        size = 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/signatories.csv", timeout=120) as r:
            while chunk := r.read(65536):
                size += len(chunk)
        seconds = time.perf_counter() - started
        growth = max(memory_mb(pid) - before.get(pid, memory_mb(pid)) for pid in workers(server))
        runs.append((seconds, size, growth))
    times = [seconds for seconds, _, _ in runs]
    return {
        "seconds": round(statistics.median(times), 2),
        "seconds_min_max": [round(min(times), 2), round(max(times), 2)],
        "bytes": runs[-1][1],
        "worker_growth_mb": round(max(growth for _, _, growth in runs), 1),
    }


def print_table(result):
    # A run limited by BENCH_ONLY may leave the fixed view out: then no share is shown.
    fixed = [r for r in result["endpoints"] if r["endpoint"] == "ceiling: fixed view"]
    ceiling = fixed[0] if fixed else None
    top = ceiling["requests_per_s"]["median"] if ceiling else None
    header = (f"{'endpoint':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}{'bytes':>9}{'queries':>9}{'of ceiling':>12}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in result["endpoints"]:
        rps = r["requests_per_s"]["median"]
        queries = "" if r["queries_per_request"] is None else r["queries_per_request"]
        print(f"{r['endpoint']:<22}{rps:>9.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
              f"{r['p99_ms']:>9.1f}{r['errors']:>8}{r['bytes_per_response']:>9}"
              f"{queries:>9}{f'{rps / top:.0%}' if top else '':>12}")  # fmt: skip
    varied = {r["kind"]: r["requests_per_s"]["median"] for r in result["endpoints"]}
    for kind, what in (("varied", "varied, uncached wall"), ("near", "suppliers near a postcode")):
        if kind in varied and "ceiling4" in varied:
            print(f"\n{what}: {varied[kind] / varied['ceiling4']:.1%} of the static file "
                  f"at {VARIED_CONNECTIONS} connections")  # fmt: skip
    print()
    post = next((r for r in result["endpoints"] if r["kind"] == "post"), None)
    if post:
        print(f"sign-ups: {post['accepted']} accepted, {post['lost']} lost, "
              f"{post['duplicated']} duplicated")  # fmt: skip
    emails = result["emails"]
    print(f"emails: {emails['queued']} queued, {emails['sent']} sent, "
          f"{emails['failed']} failed; the queue was empty "
          f"{emails['drained_s_after_last_signup']} s after the last sign-up")  # fmt: skip
    print(f"load average at start {result['load_average']['start']}, "
          f"at end {result['load_average']['end']}")  # fmt: skip
    print(f"workers: {result['workers']}, peak RSS per worker {result['worker_peak_mb']} MB")
    csv = result["csv_download"]
    if csv is None:
        return
    print(f"full CSV of {result['n']:,} rows: {csv['seconds']} s (median; min, max "
          f"{csv['seconds_min_max']}), {csv['bytes']:,} bytes, "
          f"worker memory growth {csv['worker_growth_mb']} MB")  # fmt: skip


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    signal.signal(signal.SIGTERM, interrupted)
    load_at_start = os.getloadavg()
    if not shutil.which("wrk"):
        fail("wrk is not installed: sudo apt-get install -y wrk (make bench does this)")
    django()
    n = prepare()
    port = free_port()
    from aiosmtpd.controller import Controller

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.received += 1
            return "250 OK"

    sink = Sink()
    mail = Controller(sink, hostname="127.0.0.1", port=free_port_any())
    mail.start()
    ENV.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail.port), EMAIL_USE_TLS="0")
    server = mailer = None
    try:
        server = start_gunicorn(port)
        mailer = start_mail_worker()
        rows = []
        run_id = new_run_id()
        for name, path, kind in endpoints():
            if ONLY and kind not in ONLY:
                continue
            runs = [run_endpoint(port, name, path, kind, f"{run_id}{i}") for i in range(RUNS)]
            if kind in ("varied", "near"):
                example = VARIED_EXAMPLE if kind == "varied" else NEAR_EXAMPLE
                queries = queries_per_request(f"{example}&visit={run_id}", "uncached")
            else:
                queries = queries_per_request(path, "post" if kind == "post" else "get")
            rows.append(summarise(name, path, kind, runs, queries))
            print(f"  measured {name}", file=sys.stderr)
        emails = mail_drained(sink, time.perf_counter())
        csv = csv_download(port, server) if not ONLY or "export" in ONLY else None
        peak = max(memory_mb(pid, "VmHWM") for pid in workers(server))
    finally:
        stop(server)
        stop(mailer)
        mail.stop()
    result = {
        "date": date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}",
        "database": DATABASE_URL.split(":", 1)[0],
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
        "n": n,
        "workers": WORKERS,
        "seconds_per_run": SECONDS,
        "connections": CONNECTIONS,
        "runs": RUNS,
        "only": sorted(ONLY) or None,
        # Other work on the machine skews every figure: the load average at start and end.
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "endpoints": rows,
        "worker_peak_mb": round(peak, 1),
        "csv_download": csv,
        "emails": emails,
    }
    out = Path(OUTPUT) if OUTPUT else RESULTS / f"{result['date']}-{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    print(f"\nwritten to {out}")


def free_port_any():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
