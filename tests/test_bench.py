"""The benchmark's driver, run end to end at tiny settings: its parts work, it is not timed."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError

from bench.run import new_run_id
from pledges.validators import no_contact_details
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.slow,  # gunicorn, the mail worker and wrk
    pytest.mark.skipif(
        not shutil.which("wrk"), reason="wrk is not installed (sudo apt-get install -y wrk)"
    ),
]


def test_the_driver_measures_every_endpoint_without_errors(tmp_path):
    output = tmp_path / "result.json"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "BENCH_N": "50",
        "BENCH_SECONDS": "1",
        "BENCH_RUNS": "1",
        "BENCH_CONNECTIONS": "4",
        "BENCH_WORKERS": "2",
        "BENCH_OUTPUT": str(output),
        "BENCH_STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "bench/run.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(output.read_text())
    assert data["n"] == 50
    names = [row["endpoint"] for row in data["endpoints"]]
    assert names == [
        "ceiling: static file", "ceiling: fixed view", "ceiling: static file, 4 connections",
        "wall, varied and uncached (4 connections)",
        "suppliers near a postcode, varied and uncached (4 connections)", "home", "wall",
        "wall filtered", "wall searched", "signatory page", "spend", "impact", "signatories.json",
        "signatories.csv", "signatories.csv, unchanged", "sign-up POST",
    ]  # fmt: skip
    for row in data["endpoints"]:
        assert row["errors"] == 0, row
        assert row["requests_per_s"]["median"] > 0, row
    post = data["endpoints"][-1]
    told = ("accepted", "not_accepted", "not_accepted_status", "rows_added", "errors")
    answers = str({name: post[name] for name in told})
    assert post["accepted"] > 0, answers
    assert post["not_accepted"] == 0, answers
    assert post["lost"] == 0 and post["duplicated"] == 0
    assert 0 <= post["finished_after_time_up"] <= 4  # at most one per connection
    assert data["csv_download"]["bytes"] > 0
    # Every accepted sign-up's confirmation went through the queue to the mail server.
    assert data["emails"]["sent"] == data["emails"]["queued"] == post["rows_added"]
    assert data["emails"]["failed"] == 0
    assert "of ceiling" in result.stdout


def test_a_bench_sign_up_name_never_reads_as_a_phone_number():
    # The driver's names are "Bench <run id><run> thread <t> no <n>" (bench/signup.lua);
    # with a hex run id of six digits, seven in a row were refused as a phone number.
    with pytest.raises(ValidationError):
        no_contact_details("Bench 3849210 thread 1 no 1")
    for _ in range(2000):
        no_contact_details(f"Bench {new_run_id()}2 thread 2 no 9999")
