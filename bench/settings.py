"""Production settings plus one fixed-response view, the benchmark's ceiling."""

from backing_lancashire.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
