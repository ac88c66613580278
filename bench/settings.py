"""Production settings plus one fixed-response view, the benchmark's ceiling."""

import os
from pathlib import Path

from backing_lancashire.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The driver's test collects the static files into a folder of its own: the test run's
# STATIC_ROOT is being read by the tests running beside it (pytest -n), and collectstatic
# deletes and writes again each stylesheet it rewrites.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
