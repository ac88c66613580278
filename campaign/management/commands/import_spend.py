"""Import published spending files: `manage.py import_spend --publisher NAME FILE…`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from tqdm import tqdm

from campaign.models import Publisher
from campaign.spending.imports import File, preview, save
from campaign.templatetags.site_tags import pounds

# How many refused lines each file's summary lists before "and N more".
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import spending files (CSV), all or nothing: a summary per file, the lines "
        "refused and why. Payments imported before are never counted twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--publisher",
            required=True,
            help='Whose spending the files are, e.g. "Lancashire Constabulary" (made if new).',
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and summarise; import nothing."
        )

    def handle(self, *args, files, publisher, dry_run=False, **options):
        named = publisher.strip()
        if not named or len(named) > Publisher._meta.get_field("name").max_length:
            raise CommandError("Name the publisher, in at most 120 characters.")
        publisher = Publisher.objects.filter(name__iexact=named).first() or Publisher(name=named)
        loaded = []
        for path in files:
            try:
                loaded.append(File(path.name, path.read_bytes()))
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}. Nothing was imported.") from None
        previews = preview(publisher, loaded)
        for p in previews:
            self.summarise(p)
        if dry_run:
            self.stdout.write("Dry run: nothing was imported.")
            return
        quiet = True if options["verbosity"] < 1 else None
        with tqdm(
            total=sum(len(p.reading.payments) for p in previews), unit="payments", disable=quiet
        ) as bar:
            try:
                imports = save(publisher, loaded, progress=bar.update)
            except ValueError as error:
                raise CommandError(str(error)) from None
        added = sum(i.added for i in imports)
        self.stdout.write(
            f"Imported {len(imports)} file{pluralize(len(imports))} for {publisher}: "
            f"{added:,} new payment{pluralize(added)}, "
            f"{sum(i.duplicates for i in imports):,} already imported."
        )

    def summarise(self, p):
        reading = p.reading
        if not p.ok:
            self.stdout.write(f"{p.file.name}: {p.problem}")
            if reading.headings:
                self.stdout.write(
                    "  Its headings: " + ", ".join(reading.headings) + ". Map them once in "
                    "the admin's upload, and they are remembered for this publisher."
                )
            return
        months = ", ".join(month.strftime("%B %Y") for month in reading.months) or "no months"
        self.stdout.write(
            f"{p.file.name}: {len(reading.payments):,} payments ({months}), "
            f"{pounds(reading.total)}; {p.added:,} new, {p.duplicates:,} already imported, "
            f"{reading.redacted:,} redacted at source, "
            f"{len(reading.refused):,} line{pluralize(len(reading.refused))} refused."
            + (
                f" This file was imported before, on {p.earlier.imported_at:%-d %B %Y}."
                if p.earlier
                else ""
            )
        )
        for line, why in reading.refused[:SHOWN]:
            self.stdout.write(f"  line {line}: {why}")
        if len(reading.refused) > SHOWN:
            self.stdout.write(f"  … and {len(reading.refused) - SHOWN:,} more.")
