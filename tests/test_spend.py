import csv
import io
import re
from decimal import Decimal

import pytest

from campaign.charts import bar_chart
from campaign.models import SpendFigure
from campaign.templatetags.site_tags import pounds, pounds_short

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_spend_page_charts_and_tabulates_each_figure(client):
    html = client.get("/spend/").content.decode()
    assert '<svg role="img" aria-labelledby="chart-title"' in html
    assert re.findall(r'<rect class="spend-chart__bar"[^>]*width="([\d.]+)%"', html) == [
        "100.0",
        "17.5",
    ]
    assert "<caption>The spend figures</caption>" in html
    assert "£36,000,000" in html and "£6,300,000" in html
    assert 'href="/spend/figures.csv"' in html


def test_spend_csv_has_the_figures(client):
    response = client.get("/spend/figures.csv")
    assert response.status_code == 200
    assert 'filename="backing-lancashire-spend.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["figure", "amount_gbp", "description"]
    assert rows[1] == [
        "Spent within Lancashire, 2017/18",
        "36000000.00",
        "£36m spent by Lancashire Constabulary within Lancashire in 2017/18",
    ]
    assert rows[2][:2] == ["West Division Police HQ", "6300000.00"]
    assert len(rows) == 3


def test_spend_page_copes_with_twenty_figures(client):
    SpendFigure.objects.all().delete()
    for n in range(1, 21):
        SpendFigure.objects.create(label=f"Figure {n}", amount=n * 1_000_000, headline=f"H{n}")
    html = client.get("/spend/").content.decode()
    assert len(re.findall(r'<rect class="spend-chart__bar"', html)) == 20
    assert 'height="1348"' in html
    assert html.count("<tr>") == 21


def test_spend_page_without_figures_says_so(client):
    SpendFigure.objects.update(is_published=False)
    html = client.get("/spend/").content.decode()
    assert "No figures have been published yet." in html
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
    ],
)
def test_amounts_are_written_as_the_campaign_writes_them(amount, short, full):
    assert pounds_short(Decimal(amount)) == short
    assert pounds(Decimal(amount)) == full
