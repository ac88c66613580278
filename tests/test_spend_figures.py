"""The spend figures, checked against a file computed by hand; and what the public sees."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backing_lancashire import freshness, postcodes
from campaign.models import Publisher, Supplier
from campaign.spending import figures
from campaign.spending.imports import File, save
from pledges.models import District, Pledge
from tests.conftest import load_postcodes
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

HEADER = (
    "Transaction Date,Supplier Name,Net Amount,Expense Type,Transaction Reference,Supplier Postcode"
)
# By hand, for 2025/26: 10,900 in all; Lancashire 1,000 + 500 + 600 − 200 + 1,000 = 2,900
# (Preston 1,800, Blackburn with Darwen 500, Lancaster 600); the North West 2,000;
# elsewhere 1,500; public bodies 3,000; not located 1,000; redacted 500.
LINES = [
    "01/04/2025,Preston Motors Ltd,1000.00,Vehicle repairs,R01,PR1 2AB",
    "15/04/2025,Blackburn Bakery,500.00,Catering,R02,BB1 1AA",
    "20/04/2025,Manchester Forensics,2000.00,Forensic services,R03,M1 1AE",
    "21/04/2025,London Legal LLP,1500.00,Legal fees,R04,SW1A 1AA",
    "22/04/2025,Lancashire County Council,3000.00,Rates,R05,PR1 2AB",
    "23/04/2025,Unplaced Ltd,1000.00,Goods,R06,",
    "24/04/2025,Redacted - personal data,500.00,Compensation,R07,",
    "25/04/2025,J Whittaker,600.00,Interpreters,R08,LA1 1AA",
    "01/05/2025,PRESTON MOTORS LIMITED,-200.00,Vehicle repairs,R09,",
    "01/03/2026,Preston Motors Ltd,1000.00,Vehicle repairs,R10,",
    "01/04/2026,Preston Motors Ltd,400.00,Vehicle repairs,R11,",
]
NAMES = [
    "Preston Motors",
    "Blackburn Bakery",
    "Manchester Forensics",
    "London Legal",
    "Unplaced",
    "Whittaker",
]


def spending(*lines):
    return File("spend.csv", (HEADER + "\r\n" + "\r\n".join(lines) + "\r\n").encode())


@pytest.fixture
def imported():
    load_postcodes("PR1", "BB1", "LA1", "M1", "SW1A")
    # Signed before any of these payments: all its spend counts as a signatory's.
    signatory = make_pledge(
        Pledge.Status.APPROVED,
        name="Preston Motors",
        approved_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    save(Publisher(name="Lancashire Constabulary"), [spending(*LINES)])
    # The council is known as a public body by its name; the person only by staff.
    assert Supplier.objects.get(name="Lancashire County Council").kind == Supplier.Kind.PUBLIC
    Supplier.objects.filter(name="J Whittaker").update(kind=Supplier.Kind.PERSON)
    return signatory


def period(slug):
    return next(p for p in figures.compute() if p.slug == slug)


def test_the_year_matches_the_figures_computed_by_hand(imported):
    year = period("2025-26")
    assert year.label == "2025/26"
    assert year.total == Decimal("10900.00")
    assert [(p.key, p.amount, p.share) for p in year.places] == [
        ("lancashire", Decimal("2900.00"), Decimal("26.6")),
        ("north-west", Decimal("2000.00"), Decimal("18.3")),
        ("elsewhere", Decimal("1500.00"), Decimal("13.8")),
        ("public", Decimal("3000.00"), Decimal("27.5")),
        ("unlocated", Decimal("1000.00"), Decimal("9.2")),
        ("redacted", Decimal("500.00"), Decimal("4.6")),
    ]
    assert year.located == Decimal("86.2")  # 9,400 of 10,900
    assert year.local == Decimal("45.3")  # 2,900 of the 6,400 located with businesses
    assert year.councils == {
        District.PRESTON: Decimal("1800.00"),
        District.BLACKBURN_WITH_DARWEN: Decimal("500.00"),
        District.LANCASTER: Decimal("600.00"),
    }
    assert [(c.label, c.amount) for c in year.categories][:3] == [
        ("Rates", Decimal("3000.00")),
        ("Forensic services", Decimal("2000.00")),
        ("Vehicle repairs", Decimal("1800.00")),  # the credit note nets off
    ]
    assert (year.signatories, year.with_signatories, year.with_signatories_share) == (
        1,
        Decimal("1800.00"),
        Decimal("16.5"),
    )
    assert year.months_with_payments == 3 and not year.complete
    april = year.by_month[0]
    assert april == (year.first, Decimal("10100.00"), Decimal("2100.00"))


def test_the_latest_twelve_months_end_with_the_latest_month_imported(imported):
    latest = period("latest")
    assert (str(latest.first), str(latest.last)) == ("2025-05-01", "2026-04-01")
    assert latest.total == Decimal("1200.00")  # −200 + 1,000 + 400


def test_the_periods_are_the_latest_months_then_each_year_newest_first(imported):
    assert [p.slug for p in figures.compute()] == ["latest", "2026-27", "2025-26"]


def test_spend_with_a_lapsed_signatory_is_not_counted_as_a_signatorys(imported):
    Pledge.objects.filter(pk=imported.pk).update(status=Pledge.Status.LAPSED)
    assert period("2025-26").signatories == 0


def test_the_page_shows_each_figure_and_the_method(imported, client):
    html = client.get("/spend/?period=2025-26").content.decode()
    assert "<strong>£10,900</strong> spent" in html
    assert "<strong>£2,900 (26.6%)</strong> with Lancashire suppliers" in html
    assert "Suppliers have been located for <strong>86.2%</strong>" in html
    assert "45.3% went to Lancashire suppliers" in html
    assert "Every publisher’s payments have been imported for 3 of this period’s twelve" in html
    assert "<strong>1</strong> signatory was paid <strong>£1,800</strong>, 16.5%" in html
    assert "How these figures are made" in html and postcodes.ATTRIBUTION[:40] in html
    assert '<th scope="row">Redacted at source (payments to people)</th>' in html
    # The staff's own figures stay, as highlights.
    assert 'id="highlights-heading"' in html and "£36,000,000" in html


@pytest.mark.parametrize(
    "url", ["/spend/", "/spend/?period=2025-26", "/spend/local.csv", "/spend/local.json"]
)
def test_no_supplier_is_ever_named_in_public(imported, client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for name in NAMES:
        assert name.lower() not in body.decode().lower()


def test_the_downloads_hold_the_same_figures(imported, client):
    body = b"".join(client.get("/spend/local.csv").streaming_content).decode()
    assert "2025-26,2025/26,2025-04,2026-03,false,where,lancashire,2900.00,GBP,26.6" in body
    assert (
        "2025-26,2025/26,2025-04,2026-03,false,signatories,signatories_paid,1,signatories," in body
    )
    data = client.get("/spend/local.json").json()
    assert data["fields"]["share_percent"]
    total = next(
        row for row in data["figures"] if row["period"] == "2025-26" and row["breakdown"] == "total"
    )
    assert total["value"] == "10900.00"


def test_an_unknown_period_shows_the_latest_and_a_hostile_one_is_harmless(imported, client):
    for query in ["period=1999-00", "period=%3Cscript%3E", "period=" + "x" * 5000]:
        response = client.get(f"/spend/?{query}")
        assert response.status_code == 200
        assert "the twelve months May 2025 to April 2026" in response.content.decode()
        assert "<script>" not in response.content.decode().split("</header>")[-1]


def test_a_complete_year_gives_the_home_page_its_headline(client):
    load_postcodes("PR1", "SW1A")
    lines = [
        f"01/{m:02}/{2024 if m >= 4 else 2025},Preston Motors,1000.00,Goods,Y{m},PR1 2AB"
        for m in range(1, 13)
    ]
    lines += ["01/06/2024,London Legal,3000.00,Legal,L1,SW1A 1AA"]
    save(Publisher(name="OPCC"), [spending(*lines)])
    html = client.get("/").content.decode()
    assert "£12k spent with Lancashire suppliers in 2024/25: 80.0% of the £15k" in html


def test_no_headline_from_an_incomplete_year(imported, client):
    assert 'id="measured-headline"' not in client.get("/").content.decode()


def test_the_page_costs_the_same_queries_however_many_payments(client):
    load_postcodes("PR1")
    publisher = Publisher.objects.create(name="OPCC")

    def queries():
        from django.core.cache import caches

        caches["default"].clear()
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/spend/").status_code == 200
        return len(captured)

    save(publisher, [spending("01/04/2025,A Ltd,900.00,Goods,A1,PR1 2AB")])
    few = queries()
    many = [
        f"0{1 + n % 9}/0{1 + n % 9}/2025,Supplier {n},{500 + n}.00,Type {n % 30},B{n},PR1 2AB"
        for n in range(600)
    ]
    save(publisher, [spending(*many)])
    assert queries() == few


def test_the_sums_are_kept_until_the_spending_changes(imported):
    figures.periods()
    freshness.changed()  # a public change elsewhere: a pledge approved, say
    freshness.forget()  # as another second, or another process, would see it
    with CaptureQueriesContext(connection) as captured:
        figures.periods()
    # Only which suppliers are signatories is asked again, not the sums over every payment.
    assert len(captured) == 1 and "pledges_pledge" in captured[0]["sql"]
    save(Publisher.objects.get(), [spending("01/05/2026,New Ltd,999.00,Goods,N1,PR1 2AB")])
    freshness.forget()
    # The latest twelve months now run June 2025 to May 2026: 1,000 + 400 + 999.
    assert figures.periods()[0].total == Decimal("2399.00")


def test_net_credits_stay_numbers_in_the_downloads(imported, client):
    body = b"".join(client.get("/spend/local.csv").streaming_content).decode()
    # May 2025 nets to a credit: a number, not a neutralised "'-200.00".
    assert "2025-26,2025/26,2025-04,2026-03,false,month,2025-05,-200.00,GBP,-1.8" in body
    assert "'-" not in body and ",-0.0" not in body
    data = client.get("/spend/local.json").json()
    row = next(r for r in data["figures"] if r["period"] == "2025-26" and r["item"] == "2025-05")
    assert (row["value"], row["share_percent"], row["complete"]) == ("-200.00", "-1.8", False)
    paid = next(r for r in data["figures"] if r["item"] == "signatories_paid")
    assert paid["value"] == 1 and paid["share_percent"] is None


def test_spend_from_before_the_organisation_signed_is_not_its_to_claim(imported):
    Pledge.objects.filter(pk=imported.pk).update(approved_at="2025-06-01T00:00:00Z")
    year = period("2025-26")
    # Only March 2026's 1,000 is after it signed; April's 1,000 and May's credit are not.
    assert (year.signatories, year.with_signatories) == (1, Decimal("1000.00"))


def test_a_year_is_complete_only_when_every_publisher_has_every_month(client):
    load_postcodes("PR1")
    year = [
        f"01/{m:02}/{2024 if m >= 4 else 2025},Preston Motors,1000.00,Goods,Y{m},PR1 2AB"
        for m in range(1, 13)
    ]
    save(Publisher(name="Lancashire Constabulary"), [spending(*year)])
    save(Publisher(name="OPCC"), [spending("01/05/2024,Preston Motors,100.00,Goods,O1,PR1 2AB")])
    [_, fy] = figures.compute()
    assert (fy.label, fy.months_with_payments, fy.complete) == ("2024/25", 1, False)
    assert 'id="measured-headline"' not in client.get("/").content.decode()
