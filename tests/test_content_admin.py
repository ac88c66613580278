import pytest

from campaign.models import SpendFigure, Testimonial

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, columns",
    [
        (
            "/admin/campaign/spendfigure/",
            ["Label", "Amount", "Headline", "Last updated", "Order", "Published"],
        ),
        ("/admin/campaign/testimonial/", ["Supporter quote", "Attribution", "Order", "Published"]),
    ],
)
def test_admin_lists_show_their_columns_and_filter(admin_client, url, columns):
    html = admin_client.get(url).content.decode()
    for column in columns:
        assert f">{column}</a>" in html or f">{column}</span>" in html, column
    assert 'id="changelist-filter"' in html
    assert 'id="searchbar"' in html


def test_staff_add_a_spend_figure_and_it_appears(admin_client, client):
    response = admin_client.post(
        "/admin/campaign/spendfigure/add/",
        {
            "headline": "£1m spent with Lancashire charities in 2025/26",
            "label": "Charities, 2025/26",
            "amount": "1000000",
            "kind": "yearly",
            "period": "2025/26",
            "source": "OPCC annual report 2025/26",
            "updated_on": "2026-05-01",
            "order": "3",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    html = client.get("/spend/").content.decode()
    assert "Charities, 2025/26" in html
    assert "£1,000,000" in html
    assert "OPCC annual report 2025/26" in html and "1 May 2026" in html


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("amount", "-5", "Ensure this value is greater than or equal to 0."),
        ("amount", "lots", "Enter a number."),
        ("label", "x" * 41, "Ensure this value has at most 40 characters (it has 41)."),
        ("headline", "", "This field is required."),
        ("period", "", "This field is required."),
        ("source", "", "This field is required."),
        ("kind", "monthly", "Select a valid choice."),
        ("headline", "£36m spent in 2017/18", "The sum in the headline does not match the amount."),
        ("headline", "£10,000 spent", "The sum in the headline does not match the amount."),
    ],
)
def test_admin_refuses_a_bad_spend_figure(admin_client, field, value, message):
    data = {
        "headline": "A figure of £10",
        "label": "A label",
        "amount": "10",
        "kind": "yearly",
        "period": "2025/26",
        "source": "A report",
        "updated_on": "2026-05-01",
        "order": "0",
    }
    data[field] = value
    response = admin_client.post("/admin/campaign/spendfigure/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SpendFigure.objects.count() == 2


def test_staff_attribute_a_quote(admin_client, client):
    quote = Testimonial.objects.get(order=1)
    response = admin_client.post(
        f"/admin/campaign/testimonial/{quote.pk}/change/",
        {
            "quote": quote.quote,
            "attribution": "Owner, a Chorley bakery",
            "order": "1",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert "<figcaption>Owner, a Chorley bakery</figcaption>" in client.get("/").content.decode()
