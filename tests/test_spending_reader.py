"""Reading the force's published spending files: every kind of bad input, line by line."""

from datetime import date
from decimal import Decimal

import pytest

from campaign.spending.reader import amount, paid_on, read

HEADER = (
    "Transaction Date,Supplier Name,Net Amount,Expense Type,Transaction Reference,"
    "Supplier Postcode\r\n"
)


def csv_bytes(*lines, header=HEADER, encoding="utf-8"):
    return (header + "".join(line + "\r\n" for line in lines)).encode(encoding)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("£1,234.50", Decimal("1234.50")),
        ("(1,234.50)", Decimal("-1234.50")),
        ("-1234.5", Decimal("-1234.5")),
        ("1234.50 CR", Decimal("-1234.50")),
        (" 500 ", Decimal("500")),
        ("+12.00", Decimal("12.00")),
    ],
)
def test_amounts_in_each_shape_the_files_use(text, expected):
    assert amount(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "1.234.5", "12.345", "1e3", "£", "NaN", "--5"])
def test_anything_else_is_not_a_sum_of_money(text):
    with pytest.raises(ValueError, match="is not a sum of money"):
        amount(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01/04/2025", date(2025, 4, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("01-Apr-2025", date(2025, 4, 1)),
        ("1-apr-25", date(2025, 4, 1)),
        ("01/04/25", date(2025, 4, 1)),
        ("1 Apr 2025", date(2025, 4, 1)),
    ],
)
def test_dates_in_each_shape_the_files_use(text, expected):
    assert paid_on(text) == expected


@pytest.mark.parametrize("text", ["", "April 2025", "2025/13/01", "yesterday"])
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError, match="is not a date"):
        paid_on(text)


@pytest.mark.parametrize("text", ["31/02/2025", "2025-04-31", "30-Feb-2025"])
def test_a_day_no_month_has_does_not_exist(text):
    with pytest.raises(ValueError, match=f"the date “{text}” does not exist"):
        paid_on(text)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a text file"),
        ("Date,Supplier,Amount\r\n".encode("utf-16-le"), "This is not a text file"),
        (
            b'Date,Supplier,Amount\r\n01/04/2025,"' + b"x" * 200_000 + b'",5\r\n',
            "This is not a CSV file this reader can read: one cell is longer than 131,072",
        ),
    ],
)
def test_what_is_not_a_csv_file_is_told_so(data, problem):
    assert read(data).problem.startswith(problem)


def test_a_file_in_utf_16_with_its_mark_is_read():
    text = HEADER + "01/04/2025,Café Lune,£900.00,Catering,A1,\r\n"
    [payment] = read(text.encode("utf-16")).payments
    assert (payment.supplier, payment.amount) == ("Café Lune", Decimal("900.00"))


def test_a_clean_file_is_read_whole():
    reading = read(
        csv_bytes(
            '01/04/2025,Pendle Pantry Ltd,"£1,234.50",Catering,INV-1,bb8 1aa',
            "02/04/2025,Ribble Bakery,600.00,Catering,INV-2,PR1 2AB",
        )
    )
    assert reading.problem == "" and reading.refused == []
    first, second = reading.payments
    assert (first.line, first.supplier, first.amount, first.postcode) == (
        2,
        "Pendle Pantry Ltd",
        Decimal("1234.50"),
        "BB8 1AA",
    )
    assert reading.total == Decimal("1834.50")
    assert reading.months == [date(2025, 4, 1)]
    assert reading.columns["amount"] == "Net Amount"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_each_encoding_the_finance_systems_write(encoding):
    reading = read(csv_bytes("01/04/2025,Café Lancashire £ Ltd,500,Food,R1,", encoding=encoding))
    (payment,) = reading.payments
    assert payment.supplier == "Café Lancashire £ Ltd"


def test_column_names_are_recognised_whatever_their_case_and_spacing():
    header = "DATE PAID,payee,Value,category,Invoice_Number\r\n"
    reading = read(csv_bytes("2025-05-02,Lune Logistics,750.00,Transport,77", header=header))
    (payment,) = reading.payments
    assert (payment.paid_on, payment.supplier, payment.reference) == (
        date(2025, 5, 2),
        "Lune Logistics",
        "77",
    )


def test_bad_lines_are_refused_with_their_line_number_and_the_rest_kept():
    reading = read(
        b"Lancashire Constabulary: spend over \xc2\xa3500, April 2025\r\n"  # a title line
        + csv_bytes(
            "01/04/2025,Good Supplier,500,Goods,A1,",
            "",  # a blank line
            "31/02/2025,Bad Date Ltd,500,Goods,A2,",
            "01/04/2025,Bad Amount Ltd,lots,Goods,A3,",
            "01/04/2025,Redacted,900,Goods,A4,",
            "01/04/2025,Personal data,900,Goods,A5,",
            "01/04/2025,,900,Goods,A6,",
            HEADER.strip(),  # the header again, as a file joined from two
            "03/04/2025,Credit Note Ltd,(200.00),Goods,A7,",
            ",Total,1,000.00,,,",
        )
    )
    assert [p.supplier for p in reading.payments] == ["Good Supplier", "", "", "Credit Note Ltd"]
    # Redacted payments count, with no name or reference kept; the credit note nets off.
    assert [(p.line, p.redacted, p.reference) for p in reading.payments[1:3]] == [
        (7, True, ""),
        (8, True, ""),
    ]
    assert reading.redacted == 2
    assert reading.total == Decimal("2100.00")
    assert reading.refused == [
        (5, "the date “31/02/2025” does not exist"),
        (6, "the amount “lots” is not a sum of money"),
        (9, "no supplier is named"),
        (12, "a totals line, not a payment"),
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"just some words\r\nand more", b"Date,Amount\r\n01/04/2025,500\r\n"],
)
def test_a_file_without_the_columns_says_which_it_needs(data):
    reading = read(data)
    assert reading.payments == []
    assert reading.problem.startswith("No header row names the columns this needs:")
    assert "supplier" in reading.problem


@pytest.mark.parametrize(
    "supplier", ["Total Gas & Power Ltd", "Total Fitness", "Personal Data Services Ltd"]
)
def test_a_supplier_whose_name_begins_like_a_totals_or_redacted_line_is_a_supplier(supplier):
    reading = read(csv_bytes(f"01/04/2025,{supplier},900.00,Energy,T1,"))
    assert [(p.supplier, p.redacted) for p in reading.payments] == [(supplier, False)]


@pytest.mark.parametrize("cell", ["Total", "TOTALS:", "Grand total", " Sub-total "])
def test_a_totals_line_is_refused_whichever_way_it_is_written(cell):
    reading = read(csv_bytes(f",{cell},900.00,,,", f"{cell},,900.00,,,"))
    assert reading.refused == [
        (2, "a totals line, not a payment"),
        (3, "a totals line, not a payment"),
    ]


@pytest.mark.parametrize(
    "written, why",
    [
        ("01/04/2205", "the date “01/04/2205” is in the future"),
        ("01/04/1999", "the date “01/04/1999” is before 2011, when publishing began"),
    ],
)
def test_a_date_no_spending_file_could_hold_is_refused(written, why):
    assert read(csv_bytes(f"{written},Lune Ltd,900.00,,,")).refused == [(2, why)]


def test_a_header_further_down_in_another_order_is_followed():
    reading = read(
        csv_bytes(
            "01/04/2025,First Ltd,100.00,Goods,A1,",
            "Supplier Name,Transaction Date,Net Amount",
            "Second Ltd,02/04/2025,200.00",
        )
    )
    assert [(p.supplier, p.amount) for p in reading.payments] == [
        ("First Ltd", Decimal("100.00")),
        ("Second Ltd", Decimal("200.00")),
    ]
