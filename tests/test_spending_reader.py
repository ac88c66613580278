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


@pytest.mark.parametrize("text", ["", "31/02/2025", "April 2025", "2025/13/01", "yesterday"])
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError, match="is not a date"):
        paid_on(text)


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
        (5, "the date “31/02/2025” is not a date this reader knows"),
        (6, "the amount “lots” is not a sum of money"),
        (9, "no supplier is named"),
        (12, "a totals line, not a payment"),
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"just some words\r\nand more", b"Date,Amount\r\n01/04/2025,500\r\n", b"\x00\x01\x02"],
)
def test_a_file_without_the_columns_says_which_it_needs(data):
    reading = read(data)
    assert reading.payments == []
    assert reading.problem.startswith("No header row names the columns this needs:")
    assert "supplier" in reading.problem
