"""Importing spending files: preview, all or nothing, counted once, the supplier register."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from backing_lancashire import freshness
from campaign.models import Payment, Publisher, SpendImport, Supplier, SupplierName
from campaign.spending import imports, names, register
from campaign.spending.imports import File, preview, save
from campaign.spending.reader import read
from pledges.models import Pledge
from tests.conftest import load_postcodes
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

HEADER = (
    "Transaction Date,Supplier Name,Net Amount,Expense Type,Transaction Reference,Supplier Postcode"
)


def csv_file(name, *lines, header=HEADER):
    return File(name, (header + "\r\n" + "".join(line + "\r\n" for line in lines)).encode())


@pytest.fixture
def places():
    """The directory's postcodes in a few outward codes: Preston, Blackburn, Lancaster,
    Manchester and Westminster."""
    load_postcodes("PR1", "BB1", "LA1", "M1", "SW1A")


@pytest.fixture
def publisher():
    return Publisher.objects.create(name="Lancashire Constabulary")


APRIL = csv_file(
    "april.csv",
    "01/04/2025,Ribble Vehicles Ltd,1000.00,Vehicle repairs,R1,PR1 2AB",
    "02/04/2025,RIBBLE VEHICLES LIMITED,500.00,Vehicle repairs,R2,",
    "03/04/2025,Manchester Forensics & Co,2000.00,Forensic services,R3,M1 1AE",
    "04/04/2025,Redacted - personal data,700.00,Compensation,R4,",
    "05/04/2025,Ribble Vehicles Ltd,(100.00),Vehicle repairs,R5,",
    "31/02/2025,Bad Date Ltd,500,Goods,R6,",
)


def counts():
    return [m.objects.count() for m in (Payment, SpendImport, Supplier, SupplierName)]


def test_a_preview_saves_nothing_and_says_what_an_import_would_do(publisher, places):
    [p] = preview(publisher, [APRIL])
    assert counts() == [0, 0, 0, 0]
    assert (len(p.reading.payments), p.added, p.duplicates, p.reading.redacted) == (5, 5, 0, 1)
    assert p.reading.refused == [(7, "the date “31/02/2025” does not exist")]
    assert p.reading.total == Decimal("4100.00")


def test_an_import_keeps_each_payment_and_one_supplier_however_spelt(publisher, places):
    [spend_import] = save(publisher, [APRIL])
    assert (spend_import.added, spend_import.redacted, spend_import.total) == (
        5,
        1,
        Decimal("4100.00"),
    )
    assert spend_import.refusals == [[7, "the date “31/02/2025” does not exist"]]
    assert str(spend_import.first_day) == "2025-04-01"
    ribble = Supplier.objects.get(names__key="ribble vehicles")
    assert ribble.name == "Ribble Vehicles Ltd"  # as first spelt
    assert (ribble.postcode, ribble.council, ribble.area) == ("PR1 2AB", "E07000123", "lancashire")
    assert ribble.payments.count() == 3
    manchester = Supplier.objects.get(names__key="manchester forensics and company")
    assert manchester.area == "north-west"
    # The redacted payment counts, paid to nobody named, with no reference kept.
    redacted = Payment.objects.get(supplier=None)
    assert (redacted.amount, redacted.reference) == (Decimal("700.00"), "")
    assert Supplier.objects.count() == 2


def test_importing_the_same_file_again_counts_nothing_twice(publisher, places):
    save(publisher, [APRIL])
    [again] = preview(publisher, [APRIL])
    assert (again.added, again.duplicates) == (0, 5)
    assert again.earlier is not None  # staff are told it was imported before
    [second] = save(publisher, [APRIL])
    assert (second.added, second.duplicates) == (0, 5)
    assert Payment.objects.count() == 5


def test_an_overlapping_file_adds_only_what_is_new(publisher, places):
    save(publisher, [APRIL])
    quarter = csv_file(
        "quarter.csv",
        "01/04/2025,Ribble Vehicles Ltd,1000.00,Vehicle repairs,R1,PR1 2AB",  # again
        # R1 again in the same file: a second payment (an instalment), so new.
        "01/05/2025,Ribble Vehicles Ltd,1000.00,Vehicle repairs,R1,PR1 2AB",
        "01/05/2025,Ribble Vehicles Ltd,1500.00,Vehicle repairs,R1,PR1 2AB",  # another amount
        "02/05/2025,Lune Cleaning,800.00,Cleaning,R7,LA1 1AA",
    )
    [p] = save(publisher, [quarter])
    assert (p.added, p.duplicates) == (3, 1)
    assert Payment.objects.count() == 8


def test_files_of_one_batch_that_overlap_count_once(publisher, places):
    copy = File("april-again.csv", APRIL.data)
    first, second = save(publisher, [APRIL, copy])
    assert (first.added, second.added, second.duplicates) == (5, 0, 5)


def test_two_equal_payments_in_one_file_are_two_payments(publisher, places):
    twice = csv_file(
        "instalments.csv",
        "01/06/2025,Lune Cleaning,800.00,Cleaning,,LA1 1AA",
        "01/06/2025,Lune Cleaning,800.00,Cleaning,,LA1 1AA",
    )
    save(publisher, [twice])
    save(publisher, [twice])
    assert Payment.objects.filter(amount=800).count() == 2


def test_another_publishers_payment_with_the_same_reference_is_its_own(publisher, places):
    save(publisher, [APRIL])
    opcc = Publisher(name="Police and Crime Commissioner for Lancashire")
    [p] = save(opcc, [File("opcc-april.csv", APRIL.data + b"\r\n")])  # its own file
    assert p.added == 5


def test_a_failure_at_row_4999_saves_nothing(publisher, places, monkeypatch):
    lines = [f"01/04/2025,Supplier {n % 50},{500 + n}.00,Goods,REF{n},PR1 2AB" for n in range(5000)]
    big = csv_file("big.csv", *lines)
    real = Payment.objects.bulk_create

    def failing(batch, *args, **kwargs):
        # The database refusing the line on row 4,999 (line 5,000 with the header).
        if any(payment.line == 5000 for payment in batch):
            raise IntegrityError("refused")
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(Payment.objects, "bulk_create", failing)
    with pytest.raises(IntegrityError):
        save(publisher, [APRIL, big])
    assert counts() == [0, 0, 0, 0]
    monkeypatch.undo()
    save(publisher, [APRIL, big])
    assert Payment.objects.count() == 5005


def test_a_file_that_cannot_be_read_stops_the_whole_import(publisher, places):
    broken = File("notes.csv", b"just, some, words\r\n")
    with pytest.raises(ValueError, match="notes.csv could not be read"):
        save(publisher, [APRIL, broken])
    assert counts() == [0, 0, 0, 0]


def test_a_workbook_is_told_to_be_saved_as_csv(publisher):
    [p] = preview(publisher, [File("april.xlsx", b"PK\x03\x04 rest of a zip")])
    assert p.reading.problem == (
        "This is a spreadsheet workbook, not a CSV file: save it as CSV first."
    )


def test_a_publishers_own_column_names_are_remembered(publisher, places):
    odd = csv_file(
        "odd.csv",
        "01/04/2025,Lune Cleaning,800.00",
        header="When,Who,How Much",
    )
    [p] = preview(publisher, [odd])
    assert not p.ok and p.reading.headings == ["When", "Who", "How Much"]
    publisher.columns = {"date": "When", "supplier": "Who", "amount": "How Much"}
    publisher.save()
    [p] = preview(Publisher.objects.get(pk=publisher.pk), [odd])
    assert p.ok and p.reading.total == Decimal("800.00")


def test_a_file_is_read_once_for_its_preview_and_its_import(publisher, places):
    file = csv_file("may.csv", "01/05/2025,Lune Cleaning,800.00,Cleaning,M1,")
    [p] = preview(publisher, [file])
    [again] = preview(publisher, [file])  # as `save` works it out again
    assert again.reading is p.reading
    # Only the same column names: others are read anew (above, and here).
    assert file.reading({"supplier": "Payee"}) is not p.reading
    [spend_import] = save(publisher, [file])
    assert spend_import.added == 1


@pytest.mark.parametrize(
    "name, other",
    [
        ("Smith & Sons Ltd", "SMITH AND SONS LIMITED"),
        ("The Lune Bakery", "Lune Bakery"),
        ("O'Neill's Café", "ONeills Cafe"),
        ("Acme Public Limited Company", "ACME PLC."),
        ("Bowland  Fencing, Ltd.", "bowland fencing"),
        ("Lune Cleaning", "LUNE CLEANING LIMITED"),
    ],
)
def test_names_that_differ_only_in_writing_are_one_supplier(name, other):
    assert names.key(name) == names.key(other)


def test_different_names_stay_different():
    assert names.key("Smith & Sons Ltd") != names.key("Smith & Son Ltd")
    assert names.key("Lune Bakery") != names.key("Lune Bakery Cafe")


def test_staff_merge_variants_and_later_files_follow(publisher, places):
    save(
        publisher,
        [
            csv_file(
                "a.csv",
                "01/04/2025,Ribble Vehicles,900.00,Repairs,A1,",
                "01/04/2025,Ribble Vehicle Services,100.00,Repairs,A2,PR1 2AB",
            )
        ],
    )
    keep = Supplier.objects.get(name="Ribble Vehicles")
    other = Supplier.objects.get(name="Ribble Vehicle Services")
    assert register.merge(keep, [keep, other]) == 1
    keep.refresh_from_db()
    assert keep.postcode == "PR1 2AB" and keep.area == "lancashire"  # taken from the other
    assert keep.payments.count() == 2
    save(publisher, [csv_file("b.csv", "01/05/2025,RIBBLE VEHICLE SERVICES,50.00,Repairs,B1,")])
    assert Supplier.objects.count() == 1 and keep.payments.count() == 3


def test_a_supplier_that_is_a_signatory_is_matched_and_takes_its_postcode(publisher, places):
    by_name = make_pledge(Pledge.Status.APPROVED, name="Lune Cleaning Limited", postcode="LA1 1AA")
    by_number = make_pledge(
        Pledge.Status.APPROVED, name="Bowland Ltd", companies_house_number="01234567"
    )
    make_pledge(Pledge.Status.PENDING, name="Not Yet Listed Ltd")
    save(
        publisher,
        [
            csv_file(
                "a.csv",
                "01/04/2025,LUNE CLEANING LTD,800.00,Cleaning,A1,",
                "01/04/2025,Not Yet Listed Ltd,800.00,Cleaning,A2,",
                "01/04/2025,Bowland Trading,800.00,Goods,A3,",
            )
        ],
    )
    lune = Supplier.objects.get(name="LUNE CLEANING LTD")
    assert lune.pledge == by_name
    # Placed where the signatory is; its postcode, private, is not copied.
    assert (lune.postcode, lune.area) == ("", "lancashire")
    assert Supplier.objects.get(name="Not Yet Listed Ltd").pledge is None
    bowland = Supplier.objects.get(name="Bowland Trading")
    assert bowland.pledge is None  # another name: matched only by number, once staff give it
    bowland.companies_house_number = "01234567"
    register.match_signatories([bowland])
    bowland.refresh_from_db()
    assert bowland.pledge == by_number


def test_a_postcode_the_directory_does_not_know_leaves_the_supplier_unlocated(publisher, places):
    save(publisher, [csv_file("a.csv", "01/04/2025,Nowhere Ltd,800.00,Goods,A1,PR1 9ZZ")])
    nowhere = Supplier.objects.get()
    assert (nowhere.postcode, nowhere.council, nowhere.area) == ("PR1 9ZZ", "", "")


def test_a_supplier_postcode_list_is_all_or_nothing(publisher, places):
    save(
        publisher,
        [
            csv_file(
                "a.csv",
                "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,",
                "01/04/2025,Pennine Print,800.00,Printing,A2,",
            )
        ],
    )
    bad = (
        b"Supplier,Postcode,Company number\r\nLune Cleaning,LA1 1AA,\r\nPennine Print,PR1 9ZZ,\r\n"
    )
    outcome = register.import_postcodes(bad)
    assert outcome.refused == [
        (
            3,
            "Pennine Print, “PR1 9ZZ”: We cannot find that postcode in the ONS Postcode "
            "Directory: check it.",
        )
    ]
    assert not Supplier.objects.exclude(postcode="").exists()
    good = (
        b"Supplier,Postcode,Company number\r\nLUNE CLEANING LTD,la11aa,1234567\r\n"
        b"Pennine Print,BB1 2AA,\r\nNever Paid Ltd,PR1 2AB,\r\n"
    )
    before = freshness.version()
    freshness.forget()
    outcome = register.import_postcodes(good)
    freshness.forget()
    assert freshness.version() != before  # the figures renew
    assert outcome.refused == [] and outcome.updated == 2
    assert outcome.unknown == ["Never Paid Ltd"]
    lune = Supplier.objects.get(name="Lune Cleaning")
    assert (lune.postcode, lune.companies_house_number, lune.area) == (
        "LA1 1AA",
        "01234567",
        "lancashire",
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("Lune Cleaning,not a postcode,", "Enter a real UK postcode, like PR1 2AB."),
        ("Lune Cleaning,PR1 2AB,123", "Lune Cleaning, “123”: Enter a Companies House number"),
        (",PR1 2AB,", "no supplier is named"),
    ],
)
def test_each_bad_line_of_a_postcode_list_is_named(line, message, places):
    outcome = register.import_postcodes(f"Name,Postcode\r\n{line}\r\n".encode())
    assert outcome.refused[0][0] == 2 and message in outcome.refused[0][1]


def test_the_command_imports_with_a_summary_per_file(publisher, places, tmp_path, capsys):
    path = tmp_path / "april.csv"
    path.write_bytes(APRIL.data)
    call_command("import_spend", str(path), "--publisher", "lancashire constabulary")
    out = capsys.readouterr().out
    assert "april.csv: 5 payments (April 2025), £4,100; 5 new, 0 already imported" in out
    assert "1 redacted at source, 1 line refused." in out
    assert "  line 7: the date “31/02/2025” does not exist" in out
    assert "Imported 1 file for Lancashire Constabulary: 5 new payments, 0 already imported." in out
    assert Publisher.objects.count() == 1  # the name matched, whatever its case
    call_command("import_spend", str(path), "--publisher", "Lancashire Constabulary")
    assert "This file was imported before" in capsys.readouterr().out
    assert Payment.objects.count() == 5


def test_the_command_dry_run_and_its_failures_import_nothing(tmp_path, capsys, places):
    path = tmp_path / "april.csv"
    path.write_bytes(APRIL.data)
    call_command("import_spend", str(path), "--publisher", "OPCC", "--dry-run")
    assert "Dry run: nothing was imported." in capsys.readouterr().out
    with pytest.raises(CommandError, match="missing.csv: No such file"):
        call_command("import_spend", str(path), str(tmp_path / "missing.csv"), "--publisher", "X")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"a,b\r\n1,2\r\n")
    with pytest.raises(CommandError, match="broken.csv could not be read"):
        call_command("import_spend", str(path), str(broken), "--publisher", "X")
    assert counts() == [0, 0, 0, 0] and not Publisher.objects.exists()


def test_deleting_an_import_takes_its_payments_and_renews_the_figures(publisher, places, client):
    [spend_import] = save(publisher, [APRIL])
    assert "£4,100" in client.get("/spend/").content.decode()
    spend_import.delete()
    assert Payment.objects.count() == 0
    assert "No spending files have been imported yet" in client.get("/spend/").content.decode()


def test_keys_are_the_same_in_every_file_that_holds_the_payment():
    one = imports.payment_keys(csv_reading(APRIL).payments)
    assert one == imports.payment_keys(csv_reading(APRIL).payments)
    assert one[0] == "ref:R1|ribble vehicles|1000.00|1"
    # A redacted payment keeps no reference: it is known by its date and amount.
    assert one[3] == "row:2025-04-04|redacted|700.00|1"


def csv_reading(file):
    return read(file.data)


@pytest.mark.parametrize(
    "name, public",
    [
        ("Lancashire County Council", True),
        ("Lancashire Teaching Hospitals NHS Foundation Trust", True),
        ("Home Office", True),
        ("Cumbria Constabulary", True),
        ("Lancashire Fire and Rescue Service", True),
        ("Council Supplies Ltd", False),
        ("Police Kit Limited", False),
        ("Ribble Vehicles", False),
    ],
)
def test_public_bodies_are_known_by_their_names_when_first_seen(name, public):
    assert names.looks_public(name) is public


def test_a_new_supplier_named_as_a_public_body_is_one(publisher, places):
    save(publisher, [csv_file("a.csv", "01/04/2025,Preston City Council,900.00,Rates,A1,")])
    assert Supplier.objects.get().kind == Supplier.Kind.PUBLIC


def test_payments_alike_but_for_their_supplier_or_line_are_all_kept(publisher, places):
    [p] = save(
        publisher,
        [
            csv_file(
                "a.csv",
                # Placeholder references, and invoice numbers two suppliers share.
                "01/04/2025,First Ltd,600.00,Goods,N/A,",
                "01/04/2025,Second Ltd,600.00,Goods,N/A,",
                "01/04/2025,Third Ltd,600.00,Goods,-,",
                "01/04/2025,Fourth Ltd,600.00,Goods,INV-001,",
                "01/04/2025,Fifth Ltd,600.00,Goods,INV-001,",
                # One transaction split across two expense types, equal amounts.
                "01/04/2025,Fleet Ltd,600.00,Fuel,T100,",
                "01/04/2025,Fleet Ltd,600.00,Vehicle repairs,T100,",
            )
        ],
    )
    assert (p.added, p.duplicates) == (7, 0)


def test_very_long_names_and_references_still_fit(publisher, places):
    name = "Smith & Co " * 18  # grows past 200 characters as its key
    [p] = save(
        publisher, [csv_file("a.csv", f"01/04/2025,{name.strip()},600.00,Goods,{'R' * 100},")]
    )
    assert p.added == 1
    assert len(SupplierName.objects.get().key) <= 200 and len(Payment.objects.get().key) <= 300


def test_names_without_latin_letters_are_not_one_supplier(publisher, places):
    save(
        publisher,
        [
            csv_file(
                "a.csv",
                "01/04/2025,株式会社,600.00,Goods,A1,",
                "01/04/2025,***,700.00,Goods,A2,",
                "01/04/2025,---,800.00,Goods,A3,",
            )
        ],
    )
    assert Supplier.objects.count() == 3


def test_a_company_number_that_differs_is_never_matched_by_name(publisher, places):
    make_pledge(Pledge.Status.APPROVED, name="Lune Cleaning", companies_house_number="01234567")
    save(publisher, [csv_file("a.csv", "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,")])
    lune = Supplier.objects.get()
    lune.pledge = None
    lune.companies_house_number = "07654321"
    lune.save()
    assert register.match_signatories([lune]) == 0


def test_two_signatories_alike_in_name_match_neither(publisher, places):
    make_pledge(Pledge.Status.APPROVED, name="Lune Cleaning Ltd")
    make_pledge(Pledge.Status.LAPSED, name="LUNE CLEANING LIMITED", email="other@example.org")
    save(publisher, [csv_file("a.csv", "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,")])
    assert Supplier.objects.get().pledge is None


def test_a_signatory_listed_after_the_import_is_matched_then(publisher, places, moderator):
    save(publisher, [csv_file("a.csv", "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,")])
    pledge = make_pledge(Pledge.Status.PENDING, name="Lune Cleaning Ltd", postcode="LA1 1AA")
    assert Supplier.objects.get().pledge is None
    pledge.approve(by=moderator)
    lune = Supplier.objects.get()
    assert lune.pledge == pledge and lune.area == "lancashire"
    # The signatory's postcode is private: its place is taken, never the postcode itself.
    assert lune.postcode == ""


def test_a_signatorys_place_stays_when_the_supplier_is_saved_again(publisher, places):
    pledge = make_pledge(Pledge.Status.APPROVED, name="Lune Cleaning", postcode="LA1 1AA")
    save(publisher, [csv_file("a.csv", "01/04/2025,Lune Cleaning,800.00,Cleaning,A1,")])
    lune = Supplier.objects.get()
    register.merge(lune, [lune])
    lune.refresh_from_db()
    assert (lune.pledge, lune.postcode, lune.council) == (pledge, "", "E07000121")


def test_a_merge_keeps_the_most_private_kind(publisher, places):
    save(
        publisher,
        [
            csv_file(
                "a.csv",
                "01/04/2025,J Whittaker,800.00,Interpreting,A1,",
                "01/04/2025,Whittaker Interpreting,800.00,Interpreting,A2,",
            )
        ],
    )
    person = Supplier.objects.get(name="J Whittaker")
    person.kind = Supplier.Kind.PERSON
    person.save()
    business = Supplier.objects.get(name="Whittaker Interpreting")
    register.merge(business, [business, person])
    business.refresh_from_db()
    assert business.kind == Supplier.Kind.PERSON


def test_the_same_file_under_another_publisher_is_refused(publisher, places):
    save(publisher, [APRIL])
    other = Publisher(name="Lancashire Police")
    [p] = preview(other, [APRIL])
    assert not p.ok and p.problem.startswith("This file was imported for Lancashire Constabulary")
    with pytest.raises(ValueError, match="april.csv could not be read"):
        save(other, [APRIL])
    assert Payment.objects.count() == 5


def test_a_file_of_which_no_line_could_be_read_stops_the_import(publisher, places):
    [p] = preview(publisher, [csv_file("a.csv", "31/02/2025,Lune Ltd,800.00,Goods,A1,")])
    assert p.problem.startswith("No line of this file could be read as a payment")
    assert p.reading.headings[:3] == ["Transaction Date", "Supplier Name", "Net Amount"]


def test_a_postcode_list_line_without_a_postcode_or_number_is_refused(places):
    outcome = register.import_postcodes(b"Name,Postcode\r\nLune Cleaning,\r\nPennine,PR1 9ZZ\r\n")
    assert outcome.refused == [
        (2, "Lune Cleaning: neither a postcode nor a company number"),
        (
            3,
            "Pennine, “PR1 9ZZ”: We cannot find that postcode in the ONS Postcode Directory: "
            "check it.",
        ),
    ]
