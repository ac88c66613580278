"""Sample spending files: what reading each gives, their encodings, and the command."""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from campaign.spending import sample
from campaign.spending.reader import decoded, read
from pledges.models import Pledge
from tests.factories import make_pledge


@pytest.fixture(scope="module")
def year():
    """A year at the default size, each monthly file with its reading."""
    files = sample.sample()
    return [(f, read(f.data)) for f in files if f.name.startswith(("chief", "opcc"))]


def test_it_writes_two_files_a_month_then_the_messy_file_and_the_supplier_list():
    names = [f.name for f in sample.sample(start=(2025, 11), months=3, rows=20)]
    assert names == [
        "chief-constable-2025-11.csv", "opcc-2025-11.csv",
        "chief-constable-2025-12.csv", "opcc-2025-12.csv",
        "chief-constable-2026-01.csv", "opcc-2026-01.csv",
        "messy.csv", "suppliers.csv",
    ]  # fmt: skip


def test_each_row_written_is_read_as_a_payment_or_refused_on_its_planted_line(year):
    for file, reading in year:
        assert reading.problem == ""
        assert len(reading.payments) + len(reading.refused) == file.rows, file.name
        assert [line for line, _ in reading.refused] == file.refused, file.name
        assert reading.total == Decimal(file.total) / 100, file.name
        assert reading.redacted == file.redacted


def test_the_forces_files_have_400_rows_and_a_totals_line_the_opccs_a_tenth(year):
    for file, reading in year:
        if file.name.startswith("chief"):
            assert len(reading.payments) == 400
            last = len(file.data.decode("utf-8-sig").splitlines())
            assert reading.refused == [(last, "a totals line, not a payment")]
        else:
            assert len(reading.payments) == 40 and reading.refused == []
    assert len(year) == 24


def test_the_forces_file_is_utf8_with_a_bom_and_its_columns_and_shapes(year):
    file, reading = year[0]
    assert file.data.startswith(b"\xef\xbb\xbf")
    text = decoded(file.data)
    assert text.startswith('"Lancashire Constabulary – payments over £500, April 2025"\r\n')
    assert reading.columns == {
        "date": "Transaction Date", "supplier": "Supplier Name", "expense_type": "Expense Type",
        "amount": "Net Amount", "reference": "Transaction Number",
        "postcode": "Supplier Postcode",
    }  # fmt: skip
    assert re.search(r'\r\n\d\d/04/2025,[^\r]*,"£\d{1,3},\d{3}\.\d\d",CC-202504-\d{6},', text)
    assert all(p.postcode for p in reading.payments if not p.redacted)


def test_the_opccs_file_is_windows_1252_and_still_reads_with_its_pound_signs(year):
    file, reading = year[1]
    assert file.name == "opcc-2025-04.csv"
    with pytest.raises(UnicodeDecodeError):
        file.data.decode("utf-8")
    assert b"\xa3500" in file.data.splitlines()[0]
    assert decoded(file.data).splitlines()[0] == (
        "Office of the Police and Crime Commissioner for Lancashire – expenditure over "
        "£500 – April 2025"
    )
    assert reading.columns["amount"] == "Amount (£)"
    assert "postcode" not in reading.columns
    assert re.search(r"\r\n\d\d-Apr-2025,", decoded(file.data))


def test_the_opccs_files_sometimes_join_two_exports(year):
    joined = [f for f, _ in year if f.name.startswith("opcc") and b"\r\n\r\nDate Paid" in f.data]
    assert 0 < len(joined) < 12


def test_credit_notes_and_redactions_come_in_about_the_expected_shares(year):
    payments = [p for _, reading in year for p in reading.payments]
    credits = sum(p.amount < 0 for p in payments) / len(payments)
    redacted = sum(p.redacted for p in payments) / len(payments)
    assert 0.01 < credits < 0.03 and 0.005 < redacted < 0.02
    assert all(p.amount >= 500 for p in payments if p.amount > 0)
    cc = b"".join(f.data for f, _ in year if f.name.startswith("chief"))
    op = b"".join(f.data for f, _ in year if f.name.startswith("opcc"))
    assert re.search(rb",-\d+\.\d\d,CC-", cc) and re.search(rb',"?\(\d', op)
    assert b"Redacted \xe2\x80\x93 personal data" in cc and b"Personal data withheld" in op


def test_most_of_the_money_goes_to_lancashire_and_a_few_suppliers_take_most(year):
    where = {}
    for s in sample.suppliers():
        where[s.name] = where[s.variant] = s.region
    money, by_supplier = Counter(), Counter()
    for _, reading in year:
        for p in reading.payments:
            if not p.redacted:
                money[where[p.supplier]] += p.amount
                by_supplier[p.supplier] += p.amount
    total = sum(money.values())
    assert 0.5 < money["lancashire"] / total < 0.65
    assert 0.08 < money["north_west"] / total < 0.22
    top = sum(amount for _, amount in by_supplier.most_common(len(by_supplier) // 10))
    assert top / total > 0.5


def test_a_supplier_is_spelt_two_ways_across_the_year(year):
    names = {p.supplier for _, reading in year for p in reading.payments}
    both = [s for s in sample.suppliers() if s.variant and {s.name, s.variant} <= names]
    assert any(s.name.endswith(" Ltd") and s.variant.endswith(" LIMITED") for s in both)
    assert any(" & " in s.name and " and " in s.variant for s in both)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others():
    first = [f.data for f in sample.sample(months=2, rows=50, seed=7)]
    assert first == [f.data for f in sample.sample(months=2, rows=50, seed=7)]
    other = [f.data for f in sample.sample(months=2, rows=50, seed=8)]
    assert other[0] != first[0] and other[1] != first[1]
    assert other[-1] == first[-1]  # the supplier list does not depend on the seed


def test_references_are_unique_per_publisher(year):
    for _, reading in year:
        references = [p.reference for p in reading.payments if not p.redacted]
        assert len(set(references)) == len(references)
    assert year[0][1].payments[0].reference == "CC-202504-000001"
    assert year[1][1].payments[0].reference == "OPCC/2504/0001"


def test_the_messy_file_has_every_bad_line_where_it_says():
    reading = read(sample.messy().data)
    assert reading.problem == ""
    assert reading.refused == [
        (13, "the date “31/02/2025” does not exist"),
        (14, "the amount “lots” is not a sum of money"),
        (15, "no supplier is named"),
        (21, "a totals line, not a payment"),
    ]
    lines = [p.line for p in reading.payments]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 20]
    by_line = {p.line: p for p in reading.payments}
    assert {by_line[n].paid_on.isoformat() for n in range(3, 9)} == {
        f"2025-04-0{day}" for day in (1, 2, 3, 4, 7, 8)
    }
    assert [by_line[n].amount for n in (9, 10, 11)] == [
        Decimal("-1234.50"), Decimal("-1234.5"), Decimal("-1234.50"),
    ]  # fmt: skip
    assert [by_line[n].redacted for n in (16, 17)] == [True, True]
    assert by_line[20].supplier == "HOLLINBECK VEHICLE SERVICES LIMITED"


def test_the_supplier_list_has_real_looking_rows_and_one_unknown_postcode():
    reading_lines = sample.supplier_list(sample.suppliers()).data.decode().splitlines()
    assert reading_lines[0] == "Supplier Name,Postcode,Companies House Number"
    rows = [line.rsplit(",", 2) for line in reading_lines[1:]]
    assert len(rows) == len({name for name, _, _ in rows}) > 250
    postcodes = [postcode for _, postcode, _ in rows]
    assert postcodes.count(sample.UNKNOWN_POSTCODE) == 1
    known = {p for areas in sample.REGIONS.values() for codes in areas.values() for p in codes}
    assert sample.UNKNOWN_POSTCODE not in known
    assert all(re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", p) for p in postcodes)
    numbers = [number for _, _, number in rows if number]
    assert len(numbers) > 50
    assert all(re.fullmatch(r"99\d{6}|OC99\d{4}", n) for n in numbers)
    assert {"Home Office", "Lancashire County Council", "Preston City Council"} <= {
        name for name, _, _ in rows
    }
    assert len(sample.LANCASHIRE) == 14


@pytest.mark.django_db
def test_the_command_writes_the_files_and_says_so(tmp_path, capsys):
    call_command("make_spend_sample", out=str(tmp_path), months=2, rows=30, start="2026-01")
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "chief-constable-2026-01.csv", "chief-constable-2026-02.csv", "messy.csv",
        "opcc-2026-01.csv", "opcc-2026-02.csv", "suppliers.csv",
    ]  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 7
    assert out[0].startswith(f"Wrote {tmp_path}/chief-constable-2026-01.csv: 30 payments, £")
    assert out[0].endswith(", 1 line to refuse")
    assert out[4] == f"Wrote {tmp_path}/messy.csv: 12 payments, 4 lines to refuse"
    assert "2 months from 2026-01, 66 payments, £" in out[6]
    assert out[6].endswith("0 signatories paid.")
    assert read((tmp_path / "chief-constable-2026-02.csv").read_bytes()).months[0].month == 2


@pytest.mark.parametrize(
    "option, value",
    [("--start", "2025-13"), ("--start", "April"), ("--rows", "0"), ("--months", "0"),
     ("--signatories", "-1"), ("--rows", "many")],
)  # fmt: skip
def test_the_command_refuses_bad_options(tmp_path, option, value):
    with pytest.raises(CommandError, match=option.lstrip("-")):
        call_command("make_spend_sample", "--out", str(tmp_path), option, value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_listed_signatories_are_paid_with_their_postcodes(tmp_path, capsys):
    make_pledge(Pledge.Status.APPROVED, name="Darwen Pie Company", postcode="BB3 1AA")
    make_pledge(Pledge.Status.LAPSED, name="Fylde Fencing", postcode="FY8 2AB")
    make_pledge(Pledge.Status.PENDING, name="Not Yet Approved Ltd", postcode="PR1 1AA")
    call_command("make_spend_sample", out=str(tmp_path), months=2, rows=30)
    paid = Counter()
    for path in tmp_path.glob("chief-constable-*.csv"):
        for p in read(path.read_bytes()).payments:
            paid[(p.supplier, p.postcode)] += 1
    assert paid[("Darwen Pie Company", "BB3 1AA")] >= 1
    assert paid[("Fylde Fencing", "FY8 2AB")] >= 1
    assert not any(name == "Not Yet Approved Ltd" for name, _ in paid)
    suppliers = (tmp_path / "suppliers.csv").read_text()
    assert "Darwen Pie Company,BB3 1AA," in suppliers
    assert capsys.readouterr().out.rstrip().endswith("2 signatories paid.")


@pytest.mark.django_db
def test_signatories_zero_pays_none(tmp_path):
    make_pledge(Pledge.Status.APPROVED, name="Darwen Pie Company", postcode="BB3 1AA")
    call_command("make_spend_sample", out=str(tmp_path), months=1, rows=30, signatories=0)
    assert "Darwen Pie Company" not in (tmp_path / "suppliers.csv").read_text()


def test_a_full_benchmark_set_is_quick():
    import time

    began = time.perf_counter()
    files = sample.sample(rows=5000)
    assert time.perf_counter() - began < 10
    assert sum(f.rows for f in files if f.name.startswith("chief")) == 12 * 5001
