"""How fast a postcode is found, and what the directory costs a web worker's memory.

Against a database with the directory loaded (`manage.py load_postcodes`), as
DATABASE_URL (or .env) says: takes 10,000 real postcodes from the table in random order,
written as people type them (some in lower case, some without the space), and times
`postcodes.find` on each. Prints the median and 99th percentile per lookup, and the
process's resident memory as a web worker has it (Django and the site's URLs loaded),
before and after the lookups. The limits: under 1 ms a lookup, at most 50 MB added.

    .venv/bin/python bench/postcodes.py [N]
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, the project is not on the path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backing_lancashire.settings")
# As a production worker runs: with debug on, Django would keep every query in memory.
os.environ["DJANGO_DEBUG"] = "0"

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    import django

    django.setup()
    bare = rss_mb()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.urls import get_resolver

    get_wsgi_application()
    get_resolver().url_patterns  # noqa: B018 - every view and form imported, as a worker has them
    from backing_lancashire.models import Postcode
    from backing_lancashire.postcodes import find

    total = Postcode.objects.count()
    if total < N:
        sys.exit(f"Only {total:,} postcodes are loaded: run manage.py load_postcodes first.")
    codes = list(Postcode.objects.order_by("?").values_list("code", flat=True)[:N])
    rng = random.Random(1)
    typed = [typing(code, rng) for code in codes]
    find(typed[0])  # the connection open, as a worker's is
    before = rss_mb()
    times, found = [], 0
    for text in typed:
        start = time.perf_counter()
        place = find(text)
        times.append((time.perf_counter() - start) * 1000)
        found += place is not None
    after = rss_mb()
    times.sort()
    print(f"Database: {connection.vendor}, {total:,} postcodes loaded")
    print(
        f"find() over {len(typed):,} postcodes ({found:,} with a council area): "
        f"median {statistics.median(times):.3f} ms, "
        f"p99 {times[int(len(times) * 0.99) - 1]:.3f} ms, max {times[-1]:.3f} ms"
    )
    print(
        f"Web worker RSS: {bare:.1f} MB with Django set up, {before:.1f} MB with the site "
        f"loaded, {after:.1f} MB after the lookups ({after - before:+.1f} MB)"
    )


def typing(code, rng):
    """A compact code ("PR12AB") as a person might type it."""
    written = f"{code[:-3]} {code[-3:]}"
    return rng.choice([written, written.lower(), code, f" {written} "])


if __name__ == "__main__":
    main()
