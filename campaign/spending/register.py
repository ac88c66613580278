"""The supplier register: one record per supplier, where it is, and which signatory it is."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from backing_lancashire import postcodes
from campaign.models import Area, Payment, Supplier, SupplierName
from campaign.spending import changes, names
from campaign.spending.reader import decoded
from pledges.models import District, Pledge
from pledges.validators import companies_house_number, company_number_form

CHUNK = 2_000


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def suppliers_for(payments):
    """{name key: supplier id} for every supplier paid, adding those never seen before.

    A new supplier takes the name as first spelt, and the postcode its file gives, if any.
    """
    seen = {}  # key: (name, postcode)
    for payment in payments:
        key = names.key(payment.supplier)
        name, postcode = seen.get(key, (payment.supplier, ""))
        seen[key] = (name, postcode or postcodes.normalise(payment.postcode) or "")
    known = {}
    for keys in chunks(seen):
        known.update(SupplierName.objects.filter(key__in=keys).values_list("key", "supplier_id"))
    new = [
        Supplier(
            name=seen[key][0],
            postcode=seen[key][1],
            kind=Supplier.Kind.PUBLIC
            if names.looks_public(seen[key][0])
            else Supplier.Kind.BUSINESS,
        )
        for key in seen
        if key not in known
    ]
    locate(new)
    for batch in chunks(new):
        Supplier.objects.bulk_create(batch)
    SupplierName.objects.bulk_create(
        [SupplierName(key=names.key(s.name), supplier=s) for s in new], batch_size=CHUNK
    )
    known.update((names.key(s.name), s.pk) for s in new)
    # A supplier known before, with no postcode yet, takes the one this file gives.
    unplaced = Supplier.objects.filter(
        pk__in=[known[key] for key, (_, postcode) in seen.items() if postcode], postcode=""
    )
    update = []
    by_id = {known[key]: postcode for key, (_, postcode) in seen.items() if postcode}
    for supplier in unplaced:
        supplier.postcode = by_id[supplier.pk]
        update.append(supplier)
    locate(update)
    Supplier.objects.bulk_update(update, ["postcode", "council", "area"], batch_size=CHUNK)
    return known


def locate(suppliers):
    """Set each supplier's council area and area from its postcode, in one lookup.

    A supplier without a postcode of its own keeps the place its signatory gave it: the
    signatory's postcode is private, and never copied.
    """
    places = postcodes.find_many(s.postcode for s in suppliers if s.postcode)
    for supplier in suppliers:
        if not supplier.postcode and supplier.pledge_id:
            continue
        place = places.get(postcodes.normalise(supplier.postcode) or "")
        supplier.council = place.council if place else ""
        supplier.area = place.area if place else ""


def match_signatories(suppliers):
    """Link suppliers to the signatories they are, by Companies House number, or else by
    name (never when both have numbers and they differ, nor when two signatories share
    the name). Staff's "not a signatory" is never overruled.

    A supplier matched with no postcode of its own is placed where its signatory is.
    """
    suppliers = [s for s in suppliers if not s.not_signatory and s.pledge_id is None]
    if not suppliers:
        return 0
    by_number, by_name = {}, {}
    for pledge in (
        Pledge.objects.filter(status__in=Pledge.LISTED)
        .order_by("pk")
        .only("pk", "name", "companies_house_number", "postcode")
    ):
        if pledge.companies_house_number:
            by_number[pledge.companies_house_number] = pledge
        key = names.key(pledge.name)
        by_name[key] = None if key in by_name else pledge  # two alike: no match by name
    matched = []
    for supplier in suppliers:
        number = supplier.companies_house_number
        found = by_number.get(number) if number else None
        if found is None:
            found = by_name.get(names.key(supplier.name))
            if found and number and found.companies_house_number not in ("", number):
                found = None  # another company of the same name
        if found:
            supplier.pledge_id = found.pk
            if not supplier.postcode and (place := postcodes.find(found.postcode)):
                supplier.council, supplier.area = place.council, place.area
            matched.append(supplier)
    Supplier.objects.bulk_update(matched, ["pledge", "council", "area"], batch_size=CHUNK)
    return len(matched)


def match_new_signatory(sender, instance, **kwargs):
    """A pledge listed after the files that paid it were imported: its supplier is found
    now, as an import would have found it. (Connected in campaign.apps: pledges knows
    nothing of this app.)"""
    if instance.status in Pledge.LISTED:
        match_pledge(instance)


def match_pledge(pledge):
    """Link the suppliers that are this newly listed signatory, as an import would have."""
    candidates = Supplier.objects.filter(pledge=None, not_signatory=False).filter(
        Q(names__key=names.key(pledge.name))
        | (Q(companies_house_number=pledge.companies_house_number)
           if pledge.companies_house_number else Q(pk__in=[]))
    ).distinct()  # fmt: skip
    return match_signatories(candidates)


# The most private kind wins a merge: a person stays one, whatever else was merged in.
PRIVACY = [Supplier.Kind.PERSON, Supplier.Kind.PUBLIC, Supplier.Kind.BUSINESS]


@transaction.atomic
def merge(keep, others):
    """Make `others` one supplier with `keep`: their spellings and payments move to it."""
    changes.one_at_a_time()
    others = [s for s in others if s.pk != keep.pk]
    ids = [s.pk for s in others]
    SupplierName.objects.filter(supplier_id__in=ids).update(supplier=keep)
    Payment.objects.filter(supplier_id__in=ids).update(supplier=keep)
    for other in others:
        for name in ("postcode", "companies_house_number"):
            if not getattr(keep, name) and getattr(other, name):
                setattr(keep, name, getattr(other, name))
        if not keep.council and other.council:  # placed through its signatory
            keep.council, keep.area = other.council, other.area
        keep.pledge_id = keep.pledge_id or other.pledge_id
        keep.kind = min(keep.kind, other.kind, key=PRIVACY.index)
    locate([keep])
    keep.save()
    Supplier.objects.filter(pk__in=ids).delete()
    return len(ids)


def checked_postcode(text):
    """A postcode staff typed, normalised, if the directory knows it; else ValidationError."""
    text = (text or "").strip()
    if not text:
        return ""
    normal = postcodes.normalise(text)
    if normal is None:
        raise ValidationError("Enter a real UK postcode, like PR1 2AB.")
    if postcodes.find(normal) is None:
        raise ValidationError(
            "We cannot find that postcode in the ONS Postcode Directory: check it."
        )
    return normal


def place_name(council, area):
    """ "Preston", "Elsewhere in the North West", …, or "" when not located."""
    district = postcodes.LANCASHIRE.get(council)
    if district is not None:
        return District(district).label
    return Area(area).label if area else ""


@dataclass
class PostcodeList:
    updated: int = 0
    unknown: list = field(default_factory=list)  # names not in the register
    refused: list = field(default_factory=list)  # (line, why)

    def summary(self):
        text = f"Updated {self.updated} supplier{'s' if self.updated != 1 else ''}."
        if self.unknown:
            text += f" {len(self.unknown)} name(s) are not suppliers yet, and were left: "
            text += ", ".join(self.unknown[:10]) + ("…" if len(self.unknown) > 10 else "")
        return text


def import_postcodes(data):
    """Suppliers' postcodes (and Companies House numbers) from a CSV: all, or none.

    Columns: supplier name, postcode, and optionally Companies House number; a header
    line is skipped. A line with a postcode the directory does not know refuses the
    whole file, with its line number.
    """
    outcome = PostcodeList()
    try:
        rows = list(csv.reader(io.StringIO(decoded(data), newline="")))
    except csv.Error as error:
        outcome.refused.append((0, f"this is not a CSV file ({error})"))
        return outcome
    wanted = {}
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row] + ["", ""]
        name, postcode, number = cells[0], cells[1], cells[2]
        if not any(cells) or (line == 1 and "postcode" in postcode.lower()):
            continue
        if not name:
            outcome.refused.append((line, "no supplier is named"))
            continue
        if not postcode and not number:
            outcome.refused.append((line, f"{name}: neither a postcode nor a company number"))
            continue
        try:
            given = postcode
            postcode = checked_postcode(postcode)
            given = number
            number = company_number_form(number)
            if number:
                companies_house_number(number)
        except ValidationError as error:
            outcome.refused.append((line, f"{name}, “{given}”: {error.messages[0]}"))
            continue
        wanted[names.key(name)] = (name, postcode, number)
    if outcome.refused:
        return outcome
    known = {}
    for keys in chunks(wanted):
        known.update(
            (n.key, n.supplier)
            for n in SupplierName.objects.filter(key__in=keys).select_related("supplier")
        )
    changed = {}
    for key, (name, postcode, number) in wanted.items():
        supplier = known.get(key)
        if supplier is None:
            outcome.unknown.append(name)
            continue
        supplier = changed.get(supplier.pk, supplier)  # two spellings of one supplier
        before = (supplier.postcode, supplier.companies_house_number)
        supplier.postcode = postcode or supplier.postcode
        supplier.companies_house_number = number or supplier.companies_house_number
        if (supplier.postcode, supplier.companies_house_number) != before:
            changed[supplier.pk] = supplier
    changed = list(changed.values())
    with transaction.atomic():
        changes.one_at_a_time()
        locate(changed)
        Supplier.objects.bulk_update(
            changed, ["postcode", "companies_house_number", "council", "area"], batch_size=CHUNK
        )
        match_signatories([s for s in changed if s.pledge_id is None])
        changes.spending_changed()  # many at once send no signals: the figures renew
    outcome.updated = len(changed)
    return outcome
