"""The import benchmark (bench/spend_import.py): its options, and its run end to end at
tiny sizes, writing its result. Not timed: the real figures are in the README."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.spend_import import TIME, arguments
from tests.conftest import ROOT
from tests.servers import unless


def test_it_defaults_to_the_requirement():
    args = arguments([])
    assert (args.files, args.rows, args.runs) == (12, 5000, 3)
    assert (args.max_seconds, args.max_mb) == (30, 200)
    assert args.postcode_areas is None  # the whole directory
    assert args.output is None


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--runs", "0"], "at least 1, not 0"),
        (["--files", "0"], "at least 1, not 0"),
        (["--rows", "-5"], "at least 1, not -5"),
        (["--files", "twelve"], "“twelve” is not a whole number"),
        (["--max-seconds", "0"], "more than 0, not 0"),
        (["--max-mb", "lots"], "“lots” is not a number"),
        (["--postcode-areas"], "expected at least one argument"),
        (["--publisher", "x"], "unrecognized arguments"),
    ],
)
def test_it_refuses_bad_options(argv, said, capsys):
    with pytest.raises(SystemExit) as stopped:
        arguments(argv)
    assert stopped.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.slow  # other processes: migrate, make_spend_sample, import_spend
@unless(not os.access(TIME, os.X_OK), f"{TIME} is not installed (apt-get install -y time)")
def test_it_imports_in_runs_and_again_and_writes_its_result(tmp_path):
    output = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    # A limit of 1 MB no Python process meets: the run must say FAIL, and exit 1.
    command = [sys.executable, "bench/spend_import.py", "--files", "2", "--rows", "50",
               "--runs", "2", "--postcode-areas", "PR", "LA", "--max-mb", "1",
               "--output", str(output)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "limit 30 s: PASS" in result.stdout
    assert "limit 1 MB: FAIL" in result.stdout
    assert f"written to {output}" in result.stdout
    data = json.loads(output.read_text())
    assert data["pass"] == {"seconds": True, "peak_mb": False}
    assert (data["files"], data["rows_per_file"]) == (2, 50)
    assert data["limits"] == {"seconds": 30, "peak_mb": 1}
    assert data["database"].startswith("SQLite ")
    assert data["machine"]["cores"] == os.cpu_count()
    assert data["postcodes"]["areas"] == "PR LA"
    assert data["postcodes"]["count"] > 10_000
    # Each run started from empty spending tables and imported both files whole: a
    # 50-row file holds 50 payments and a totals line, refused.
    assert len(data["runs"]) == 2
    for run in data["runs"]:
        assert run["files"] == 2
        assert run["payments"] == data["payments"] == 2 * 50
        assert run["seconds"] > 0 and run["cpu_seconds"] > 0
        assert 20 < run["peak_mb"] < 1000
        assert run["summary"].endswith("100 new payments, 0 already imported.")
    assert data["seconds"]["min"] <= data["seconds"]["median"] <= data["seconds"]["max"]
    # The second import of the same files counted nothing twice.
    again = data["again"]
    assert again["files"] == 4 and again["payments"] == 100
    assert again["summary"].endswith("0 new payments, 100 already imported.")
    assert not list(Path(ROOT / "bench" / "results").glob("*-2x50-*.json"))
