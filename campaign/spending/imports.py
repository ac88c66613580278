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

from django.db import transaction

from campaign.models import Payment, SpendImport, Supplier
from campaign.spending import changes, names, register
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
    earlier: object = None  # the same file, imported before for this publisher
    elsewhere: object = None  # the same file, imported before for another

    @property
    def added(self):
        return sum(self.fresh)

    @property
    def duplicates(self):
        return len(self.fresh) - self.added

    @property
    def ok(self):
        return not self.problem

    @property
    def problem(self):
        """Why this file stops the import, or ""."""
        if self.reading.problem:
            return self.reading.problem
        if not self.reading.payments:
            return "No line of this file could be read as a payment: see the lines refused."
        if self.elsewhere is not None:
            return (
                f"This file was imported for {self.elsewhere.publisher} on "
                f"{self.elsewhere.imported_at:%-d %B %Y}: import it under that publisher, "
                "or not at all, so that no payment is counted twice."
            )
        return ""


def payment_keys(payments):
    """One key per payment, the same in every file that holds it.

    A payment is known by its reference, its supplier and its amount (a reference alone
    is not enough: invoice numbers are the suppliers', and two firms' may be alike);
    without a reference, or with a placeholder ("N/A", "-"), by its date instead. A file
    may hold two payments alike in all of these (two equal instalments, one transaction
    split across two expense types): the nth such line of a file is the nth such payment.
    """
    seen = Counter()
    keys = []
    for payment in payments:
        who = "redacted" if payment.redacted else names.key(payment.supplier)
        if is_reference(payment.reference):
            base = f"ref:{payment.reference}|{who}|{payment.amount}"
        else:
            base = f"row:{payment.paid_on.isoformat()}|{who}|{payment.amount}"
        seen[base] += 1
        key = f"{base}|{seen[base]}"
        # Long names and references would outgrow the column: their digest is as unique.
        keys.append(key if len(key) <= KEY_LENGTH else hashlib.sha256(key.encode()).hexdigest())
    return keys


KEY_LENGTH = 300
PLACEHOLDER = {"NA", "N/A", "NONE", "NIL", "TBC", "0", "-", "--", "."}


def is_reference(text):
    """Whether a reference names something: "INV-1042" does, "N/A" or "-" does not."""
    return bool(text) and text.strip().upper() not in PLACEHOLDER and any(c.isalnum() for c in text)


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
    before_now = SpendImport.objects.filter(digest__in={file.digest for file in files})
    earlier = {i.digest: i for i in before_now.select_related("publisher").order_by("pk")}
    previews = []
    for file, reading, keys in keyed:
        fresh = []
        for key in keys:
            fresh.append(key not in before)
            before.add(key)  # a later file of the batch holding it again adds nothing
        found = earlier.get(file.digest)
        mine = found is not None and found.publisher_id == publisher.pk
        previews.append(
            Preview(file, reading, keys, fresh, found if mine else None, None if mine else found)
        )
    return previews


def save(publisher, files, user=None, progress=None):
    """Import the files: every payment not imported before, or nothing at all.

    Raises ValueError, saving nothing, if any file cannot be read. `progress(n)` is told
    of each n payments saved.
    """
    with transaction.atomic():
        changes.one_at_a_time()
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
