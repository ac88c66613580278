"""`make bench-import`: time importing a year of the force's spending files.

The requirement: twelve monthly files of 5,000 rows import in under 30 s, in under
200 MB of memory. This migrates the database in DATABASE_URL (PostgreSQL, created if
missing; SQLite in bench/ when unset), loads the ONS Postcode Directory into it once
(timed apart: it is not part of the import), writes the files with make_spend_sample,
and imports them with `manage.py import_spend` in a process of its own, so that its
time and peak memory are its own: RUNS times, the spending tables emptied before each,
then once more with every payment already imported (the "counted once" check alone).
It prints a summary with PASS or FAIL against the limits, writes the JSON to
bench/results/, and exits 1 when a limit is missed.

It empties the spending tables of the database it is given: give it one of its own.
"""

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, the project is not on the path
RESULTS = ROOT / "bench" / "results"
PUBLISHER = "Lancashire Constabulary"
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'bench' / 'bench-import.sqlite3'}"

# Production settings: with debug on, Django keeps every query in memory.
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "backing_lancashire.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
}


def fail(message):
    sys.exit(f"bench-import: {message}")


def at_least(least):
    def number(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"at least {least}, not {value}")
        return value

    return number


def above_zero(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"more than 0, not {text}")
    return value


def arguments(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench/spend_import.py",
        description="Time importing the force's monthly spending files (see the README).",
    )
    parser.add_argument("--files", type=at_least(1), default=12, help="Monthly files (12).")
    parser.add_argument("--rows", type=at_least(1), default=5000, help="Rows a file (5,000).")
    parser.add_argument("--runs", type=at_least(1), default=3, help="Timed imports (3).")
    parser.add_argument("--max-seconds", type=above_zero, default=30.0, help="Limit (30).")
    parser.add_argument("--max-mb", type=above_zero, default=200.0, help="Limit (200).")
    parser.add_argument(
        "--postcode-areas",
        nargs="+",
        metavar="AREA",
        help="Load only these postcode areas (for a quick check); all of them by default.",
    )
    parser.add_argument(
        "--output", type=Path, help="The JSON's file (default bench/results/<date>-…)."
    )
    return parser.parse_args(argv)


def django():
    os.environ.update(ENV)
    import django as dj

    dj.setup()
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if connection.vendor != "postgresql" or "does not exist" not in str(error):
            fail(f"cannot use the database in DATABASE_URL: {error}".strip())
        name = connection.settings_dict["NAME"]
        # Connects to the server's own "postgres" database, as Django's test runner does.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        print(f"created the database {name}", file=sys.stderr)


def database_name():
    from django.db import connection

    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    return f"SQLite {connection.Database.sqlite_version}"


def empty_spending():
    """A fresh start for the spending tables (the postcodes and the rest stay)."""
    from campaign.models import Payment, Publisher, SpendImport, Supplier, SupplierName

    for model in (Payment, SpendImport, SupplierName, Supplier, Publisher):
        model.objects.all().delete()


def write_files(folder, files, rows):
    """The force's monthly files, as make_spend_sample writes them."""
    from django.core.management import call_command

    # No signatories paid: the files are the same whatever the database holds.
    with open(os.devnull, "w") as quiet:
        call_command("make_spend_sample", out=str(folder), months=files, rows=rows,
                     signatories=0, stdout=quiet)  # fmt: skip
    found = sorted(folder.glob("chief-constable-*.csv"))
    if len(found) != files:
        fail(f"make_spend_sample wrote {len(found)} of the force's files, not {files}")
    return found


TIME = "/usr/bin/time"


def import_files(paths):
    """Run import_spend in a process of its own: its seconds, peak MB, CPU and output.

    Measured by /usr/bin/time, a small process that starts it: a child's own peak RSS as
    the kernel counts it (wait4, RUSAGE_CHILDREN) starts from the size of the process it
    was forked from, and this one holds Django and a letter of the postcode directory.
    """
    command = [sys.executable, "manage.py", "import_spend", "--verbosity", "0",
               "--publisher", PUBLISHER, *map(str, paths)]  # fmt: skip
    with tempfile.NamedTemporaryFile("r") as timing, tempfile.TemporaryFile("w+") as out:
        # Elapsed seconds, peak RSS in KB, user and system CPU seconds.
        timed = [TIME, "--format", "%e %M %U %S", "--output", timing.name, *command]
        code = subprocess.run(timed, cwd=ROOT, env=ENV, stdout=out, stderr=out, check=False)
        out.seek(0)
        text = out.read()
        if code.returncode != 0:
            fail(f"import_spend exited with {code.returncode}:\n{text}")
        elapsed, peak_kb, user, system = timing.read().split()[-4:]
    return {
        "seconds": float(elapsed),
        "peak_mb": round(int(peak_kb) / 1024, 1),
        "cpu_seconds": round(float(user) + float(system), 2),
        "summary": text.strip().splitlines()[-1],
    }


def counts():
    from campaign.models import Payment, SpendImport, Supplier

    return {
        "payments": Payment.objects.count(),
        "files": SpendImport.objects.count(),
        "suppliers": Supplier.objects.count(),
    }


def spread(values):
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure(args, folder):
    from backing_lancashire import onspd

    loaded = onspd.load(areas=args.postcode_areas)
    paths = write_files(folder, args.files, args.rows)
    runs = []
    for number in range(1, args.runs + 1):
        empty_spending()
        run = import_files(paths)
        run.update(counts())
        if run["files"] != args.files or run["payments"] == 0:
            fail(f"run {number} imported {run['files']} files, {run['payments']} payments")
        runs.append(run)
        print(f"  run {number}: {run['seconds']} s, {run['peak_mb']} MB", file=sys.stderr)
    again = import_files(paths)
    again.update(counts())
    if again["payments"] != runs[-1]["payments"]:
        fail(f"importing the same files again added {again['payments'] - runs[-1]['payments']}")
    return loaded, runs, again


def report(args, loaded, runs, again, load_at_start, database):
    seconds = spread([r["seconds"] for r in runs])
    peak = spread([r["peak_mb"] for r in runs])
    return {
        "date": date.today().isoformat(),
        "machine": {
            "cores": os.cpu_count(),
            "cpu": cpu_model(),
            "system": f"{platform.system()} {platform.release()}, {platform.machine()}",
            "python": platform.python_version(),
        },
        "database": database,
        # Other work on the machine skews every figure: the load average at start and end.
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "files": args.files,
        "rows_per_file": args.rows,
        "payments": runs[-1]["payments"],
        "postcodes": {
            "areas": " ".join(args.postcode_areas) if args.postcode_areas else "all",
            "count": loaded.count,
            "seconds": round(loaded.seconds, 1),
        },
        "limits": {"seconds": args.max_seconds, "peak_mb": args.max_mb},
        "seconds": seconds,
        "peak_mb": peak,
        "cpu_seconds": spread([r["cpu_seconds"] for r in runs]),
        # Worst run against each limit: a median under it could hide one over it.
        "pass": {
            "seconds": seconds["max"] < args.max_seconds,
            "peak_mb": peak["max"] < args.max_mb,
        },
        "runs": runs,
        "again": again,
    }


def print_summary(result):
    limits, ok = result["limits"], result["pass"]
    seconds, peak, cpu = result["seconds"], result["peak_mb"], result["cpu_seconds"]
    word = {True: "PASS", False: "FAIL"}
    runs = len(result["runs"])
    print(f"Importing {result['files']} files of {result['rows_per_file']:,} rows "
          f"({result['payments']:,} payments) with import_spend, {runs} runs, "
          f"{result['database']}:")  # fmt: skip
    print(f"  time     median {seconds['median']:>6} s  (min {seconds['min']}, max "
          f"{seconds['max']})   limit {limits['seconds']:g} s: {word[ok['seconds']]}")  # fmt: skip
    print(f"  peak RSS median {peak['median']:>6} MB (min {peak['min']}, max "
          f"{peak['max']})   limit {limits['peak_mb']:g} MB: {word[ok['peak_mb']]}")  # fmt: skip
    print(f"  CPU      median {cpu['median']:>6} s  (user and system)")
    again = result["again"]
    print(f"  the same files again, all imported before: {again['seconds']} s, "
          f"{again['peak_mb']} MB ({again['summary']})")  # fmt: skip
    postcodes = result["postcodes"]
    print(f"Postcode directory ({postcodes['areas']}): {postcodes['count']:,} postcodes "
          f"loaded in {postcodes['seconds']} s, before and apart from the import.")  # fmt: skip
    machine = result["machine"]
    print(f"Machine: {machine['cores']} cores, {machine['cpu']}, {machine['system']}, "
          f"Python {machine['python']}; load average at start "
          f"{result['load_average']['start'][0]:.2f}, at end "
          f"{result['load_average']['end'][0]:.2f}")  # fmt: skip


def main(argv=None):
    args = arguments(argv)
    if not os.access(TIME, os.X_OK):
        fail(f"{TIME} is not installed: apt-get install -y time (make bench-import does this)")
    load_at_start = os.getloadavg()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    ENV["DATABASE_URL"] = database_url
    django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    database = database_name()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        loaded, runs, again = measure(args, Path(folder))
    result = report(args, loaded, runs, again, load_at_start, database)
    kind = database.split()[0].lower()
    name = f"{result['date']}-spend-import-{args.files}x{args.rows}-{kind}.json"
    out = args.output or RESULTS / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_summary(result)
    print(f"\nwritten to {out}")
    return 0 if all(result["pass"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
