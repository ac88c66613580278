"""Write sample spending files: a year of the force's and the OPCC's monthly "spend over
£500" files, messy.csv (every kind of bad line) and suppliers.csv (the postcode list).

    python manage.py make_spend_sample --out spend-sample --months 12 --rows 400
"""

import re
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign.spending import sample
from pledges.models import Pledge


def month(text):
    """ "2025-04" as (2025, 4)."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", str(text))
    if not found or not 1 <= int(found[2]) <= 12:
        raise CommandError(f"--start is a month written like 2025-04, not “{text}”.")
    return int(found[1]), int(found[2])


class Command(BaseCommand):
    help = (
        "Write sample spending files, as the force and the OPCC publish them, with a messy "
        "file of every bad line and the supplier postcode list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="spend-sample", help="The folder to write to.")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--start", default="2025-04", help="The first month, as 2025-04.")
        parser.add_argument(
            "--rows", type=int, default=400, help="Rows in each of the force's files."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--signatories",
            type=int,
            default=20,
            help="Also pay this many listed signatories, so matching shows in the demo.",
        )

    def handle(self, *args, out, months, start, rows, seed, signatories, **options):
        start = month(start)
        for name, value, least in [("months", months, 1), ("rows", rows, 1),
                                   ("signatories", signatories, 0)]:  # fmt: skip
            if value < least:
                raise CommandError(f"--{name} is at least {least}, not {value}.")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot write to {folder}: {error}") from None
        pledges = Pledge.objects.listed().order_by("pk").values_list("name", "postcode")
        listed = list(pledges[:signatories]) if signatories else []
        began = time.perf_counter()
        files = sample.sample(start, months, rows, seed, listed)
        for file in files:
            (folder / file.name).write_bytes(file.data)
            self.stdout.write(f"Wrote {folder / file.name}: {describe(file)}")
        payments = sum(f.rows - len(f.refused) for f in files[:-2])
        total = sum(f.total for f in files[:-2])
        self.stdout.write(
            f"{len(files)} files in {folder} ({time.perf_counter() - began:.1f} s): "
            f"{months} months from {start[0]}-{start[1]:02d}, {payments:,} payments, "
            f"£{sample.money(total)}, {len(listed)} signatories paid."
        )


def describe(file):
    if file.name == "suppliers.csv":
        return f"{file.rows} suppliers"
    parts = [f"{file.rows - len(file.refused)} payments"]
    if file.total:
        parts.append(f"£{sample.money(file.total)}")
    if file.refused:
        lines = "line" if len(file.refused) == 1 else "lines"
        parts.append(f"{len(file.refused)} {lines} to refuse")
    return ", ".join(parts)
