import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaign.charts import bar_chart
from campaign.models import SpendFigure
from campaign.templatetags.site_tags import pounds, pounds_short

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")  # Excel then reads it as UTF-8: "£" stays "£"
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def bar_widths(html):
    return re.findall(r'<rect class="spend-chart__bar"[^>]*width="([\d.]+)%"', html)


def test_the_yearly_total_is_charted_and_the_one_off_figure_is_not(client):
    html = client.get("/spend/").content.decode()
    assert '<svg role="img" aria-labelledby="chart-title"' in html
    # One bar: the headquarters' £6.3m is not drawn on the axis of a year's £36m.
    assert bar_widths(html) == ["100.0"]
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "Spent within Lancashire," in chart and "West Division" not in chart
    one_off = html[html.index('id="one-off-heading"') :]
    assert "West Division Police HQ" in one_off and "<svg" not in one_off


def test_each_figure_says_its_period_source_and_last_update(client):
    SpendFigure.objects.filter(label="West Division Police HQ").update(
        updated_on="2026-11-02", source_url="https://www.lancashire-pcc.gov.uk/"
    )
    html = client.get("/spend/").content.decode()
    assert "<dt>Period</dt><dd>The year 2017/18</dd>" in html
    assert (
        "<dt>Period</dt><dd>One-off: the development of West Division Police Headquarters</dd>"
        in html
    )
    assert html.count("<dt>Source</dt><dd>") == 2
    assert "Backing Lancashire campaign material" in html
    assert '<a href="https://www.lancashire-pcc.gov.uk/">Backing Lancashire' in html
    assert "<dt>Last updated</dt><dd>2 November 2026</dd>" in html


def test_the_short_and_the_full_amount_are_shown_together_and_agree(client):
    html = client.get("/spend/").content.decode()
    assert '£36,000,000<span class="spend-figure__short"> (£36m)</span>' in html
    assert '£6,300,000<span class="spend-figure__short"> (£6.3m)</span>' in html
    assert 'href="/spend/figures.csv"' in html


def test_every_seeded_headline_agrees_with_its_amount():
    for figure in SpendFigure.objects.all():
        figure.full_clean()  # raises if "£36m" and the amount disagree


@pytest.mark.parametrize(
    "headline, amount",
    [
        ("£36m spent in 2017/18", "36000000"),
        ("£36,000,000 spent in 2017/18", "36000000"),
        ("Over £6.3m invested", "6300000"),
        ("No sum written here", "5"),
    ],
)
def test_a_headline_that_writes_the_amount_either_way_is_accepted(headline, amount):
    SpendFigure(
        label="L", amount=Decimal(amount), headline=headline, period="2017/18", source="S"
    ).full_clean()


@pytest.mark.parametrize("headline", ["£36m spent", "£3,600,000 spent", "£36k spent"])
def test_a_headline_that_disagrees_with_the_amount_is_refused(headline):
    figure = SpendFigure(label="L", amount=3_600, headline=headline, period="P", source="S")
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert "does not match the amount" in str(refused.value.message_dict["headline"])


def test_spend_csv_has_the_figures_with_period_source_and_date(client):
    response = client.get("/spend/figures.csv")
    assert response.status_code == 200
    assert 'filename="backing-lancashire-spend.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "figure", "amount_gbp", "kind", "period", "source", "source_url", "last_updated",
        "description",
    ]  # fmt: skip
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["figure"] == "Spent within Lancashire, 2017/18"
    assert first["amount_gbp"] == "36000000.00"
    assert first["kind"] == "yearly" and first["period"] == "2017/18"
    assert first["source"].startswith("Backing Lancashire campaign material")
    assert first["description"] == (
        "£36m spent by Lancashire Constabulary within Lancashire in 2017/18"
    )
    assert first["last_updated"] == "2018-03-31"
    assert rows[2][:4] == [
        "West Division Police HQ",
        "6300000.00",
        "one-off",
        "the development of West Division Police Headquarters",
    ]
    assert rows[2][6] == ""  # the brief gives it no date
    assert len(rows) == 3


def test_the_briefs_figures_carry_the_dates_their_source_gives(client):
    # Not the day the migrations ran: the year's last day, or none where the brief has none.
    html = client.get("/spend/").content.decode()
    assert "<dt>Last updated</dt><dd>31 March 2018</dd>" in html
    assert "<dt>Last updated</dt><dd>Not given in the source</dd>" in html


def test_a_figure_staff_add_without_a_date_is_not_given_today(admin_client, client):
    response = admin_client.post(
        "/admin/campaign/spendfigure/add/",
        {
            "headline": "£2m spent with Lancashire charities",
            "label": "Charities",
            "amount": "2000000",
            "kind": "one-off",
            "period": "a programme of grants",
            "source": "A report",
            "updated_on": "",
            "order": "3",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert SpendFigure.objects.get(label="Charities").updated_on is None
    html = client.get("/spend/").content.decode()
    assert html.count("<dt>Last updated</dt><dd>Not given in the source</dd>") == 2


def test_the_admin_list_shows_each_figures_date(admin_client):
    html = admin_client.get("/admin/campaign/spendfigure/").content.decode()
    assert "Last updated" in html
    assert '<td class="field-updated_on nowrap">31 Mar 2018</td>' in html


def test_spend_page_copes_with_twenty_figures(client):
    SpendFigure.objects.all().delete()
    for n in range(1, 21):
        SpendFigure.objects.create(
            label=f"Figure {n}", amount=n * 1_000_000, headline=f"H{n}", period="P", source="S"
        )
    html = client.get("/spend/").content.decode()
    assert len(bar_widths(html)) == 20
    assert 'height="1348"' in html
    assert html.count('<li class="spend-figure">') == 20


def test_spend_page_without_figures_says_so(client):
    SpendFigure.objects.update(is_published=False)
    html = client.get("/spend/").content.decode()
    assert "No spending files have been imported yet" in html
    assert 'id="highlights-heading"' not in html
    assert "<svg" not in html


def test_bars_are_to_scale_and_values_fit():
    items = [SpendFigure(label="A", amount=Decimal(a)) for a in ("200", "150", "0", "10")]
    chart = bar_chart(items)
    assert [bar.width for bar in chart.bars] == [100.0, 75.0, 0.5, 5.0]
    assert [bar.value_inside for bar in chart.bars] == [True, True, False, False]
    assert [bar.bar_y for bar in chart.bars] == [24, 92, 160, 228]
    assert chart.height == 228 + 28 + 4


def test_long_labels_wrap_onto_lines_that_fit_a_phone():
    item = SpendFigure(label="Contract spend with Lancashire firms 2025", amount=1)
    (bar,) = bar_chart([item]).bars
    assert bar.label_lines == [("Contract spend with", 14), ("Lancashire firms 2025", 32)]
    assert bar.bar_y == 2 * 18 + 6


def test_an_empty_chart_has_no_bars():
    assert bar_chart([]).bars == []


@pytest.mark.parametrize(
    "amount, short, full",
    [
        ("36000000", "£36m", "£36,000,000"),
        ("6300000", "£6.3m", "£6,300,000"),
        ("1250000000", "£1.3bn", "£1,250,000,000"),
        ("250000", "£250k", "£250,000"),
        ("999", "£999", "£999"),
        ("0", "£0", "£0"),
        ("1234.50", "£1.2k", "£1,234.50"),
        ("-434.50", "−£435", "−£434.50"),  # a month of net credits
        ("-2500000", "−£2.5m", "−£2,500,000"),
    ],
)
def test_amounts_are_written_as_the_campaign_writes_them(amount, short, full):
    assert pounds_short(Decimal(amount)) == short
    assert pounds(Decimal(amount)) == full
