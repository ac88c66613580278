"""Importing spending files: a preview that saves nothing, then all or nothing.

Every path (the admin's upload, `import_spend`) goes through `preview` and `save`, so
the rules hold once: which payments are new, which were imported before (a re-import,
or a file overlapping another), who each supplier is.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction

from campaign.models import Payment, SpendImport, Supplier
from campaign.spending import names, register
from campaign.spending.reader import read

CHUNK = 2_000


@dataclass
class File:
    name: str
    data: bytes
    # The file as last read, and with which column names: an import reads each file
    # once, though its preview is shown first and worked out again inside `save`.
    last_read: tuple = field(default=(None, None), init=False, repr=False, compare=False)

    @cached_property
    def digest(self):
        return hashlib.sha256(self.data).hexdigest()

    def reading(self, mapped):
        names = json.dumps(mapped or {}, sort_keys=True)
        if self.last_read[0] != names:
            self.last_read = (names, read(self.data, mapped))
        return self.last_read[1]


@dataclass
class Preview:
    """What importing one file would do."""

    file: File
    reading: object
    keys: list  # each payment's key, in the reading's order
    fresh: list  # whether each payment is new: not imported before, nor earlier in the batch
    earlier: object = None  # the same file, imported before

    @property
    def added(self):
        return sum(self.fresh)

    @property
    def duplicates(self):
        return len(self.fresh) - self.added

    @property
    def ok(self):
        return not self.reading.problem


def payment_keys(payments):
    """One key per payment, the same in every file that holds it.

    A payment with a reference is known by its reference and amount, as the publisher
    keys it: a line with both the same as another's is that payment again, in this file
    or any other. Without a reference, by its date, supplier and amount; and since a
    file may then hold two payments alike in all of these (two equal instalments), the
    nth such line of a file is the nth such payment.
    """
    seen = Counter()
    keys = []
    for payment in payments:
        if payment.reference:
            keys.append(f"ref:{payment.reference}|{payment.amount}")
            continue
        who = "redacted" if payment.redacted else names.key(payment.supplier)
        base = f"row:{payment.paid_on.isoformat()}|{who}|{payment.amount}"
        seen[base] += 1
        keys.append(f"{base}|{seen[base]}")
    return keys


def existing_keys(publisher, keys):
    found = set()
    keys = list(keys)
    for start in range(0, len(keys), CHUNK):
        found.update(
            Payment.objects.filter(
                publisher=publisher, key__in=keys[start : start + CHUNK]
            ).values_list("key", flat=True)
        )
    return found


def preview(publisher, files):
    """What importing these files, in this order, would do. Nothing is saved."""
    mapped = publisher.columns if publisher.pk else {}
    readings = [(file, file.reading(mapped)) for file in files]
    keyed = [(file, reading, payment_keys(reading.payments)) for file, reading in readings]
    before = (
        existing_keys(publisher, {key for _, _, keys in keyed for key in keys})
        if publisher.pk
        else set()
    )
    earlier = (
        {i.digest: i for i in SpendImport.objects.filter(publisher=publisher)}
        if publisher.pk
        else {}
    )
    previews = []
    for file, reading, keys in keyed:
        fresh = []
        for key in keys:
            fresh.append(key not in before)
            before.add(key)  # a later file of the batch holding it again adds nothing
        previews.append(Preview(file, reading, keys, fresh, earlier.get(file.digest)))
    return previews


# Any number: the key of the lock only spending imports take.
LOCK = 16_000_001


def one_at_a_time():
    """Wait for any other import to finish: two at once could each find the same payment
    or supplier new, and the second would fail on the first's. (SQLite writes one
    transaction at a time anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def save(publisher, files, user=None, progress=None):
    """Import the files: every payment not imported before, or nothing at all.

    Raises ValueError, saving nothing, if any file cannot be read. `progress(n)` is told
    of each n payments saved.
    """
    with transaction.atomic():
        one_at_a_time()
        publisher.save()
        previews = preview(publisher, files)
        unreadable = [p.file.name for p in previews if not p.ok]
        if unreadable:
            raise ValueError(f"Not imported: {', '.join(unreadable)} could not be read.")
        suppliers = register.suppliers_for(
            payment for p in previews for payment in p.reading.payments if not payment.redacted
        )
        imports = []
        for p in previews:
            imports.append(save_file(publisher, p, suppliers, user))
            if progress:
                progress(len(p.reading.payments))
        register.match_signatories(Supplier.objects.filter(pledge=None, pk__in=suppliers.values()))
    return imports


def save_file(publisher, p, suppliers, user):
    reading = p.reading
    days = [payment.paid_on for payment in reading.payments]
    spend_import = SpendImport.objects.create(
        publisher=publisher,
        file_name=p.file.name[:255],
        digest=p.file.digest,
        imported_by=user,
        payments_read=len(reading.payments),
        added=p.added,
        duplicates=p.duplicates,
        redacted=reading.redacted,
        refusals=[list(refusal) for refusal in reading.refused],
        total=reading.total,
        first_day=min(days, default=None),
        last_day=max(days, default=None),
    )
    batch = []
    for payment, key, fresh in zip(reading.payments, p.keys, p.fresh, strict=True):
        if not fresh:
            continue
        batch.append(
            Payment(
                spend_import=spend_import,
                publisher=publisher,
                supplier_id=None if payment.redacted else suppliers[names.key(payment.supplier)],
                paid_on=payment.paid_on,
                amount=payment.amount,
                expense_type=payment.expense_type,
                reference=payment.reference,
                line=payment.line,
                key=key,
            )
        )
        if len(batch) == CHUNK:
            Payment.objects.bulk_create(batch)
            batch = []
    Payment.objects.bulk_create(batch)
    return spend_import
