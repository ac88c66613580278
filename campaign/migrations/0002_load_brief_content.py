"""Load the brief's two headline figures and three supporter quotes, verbatim."""

from decimal import Decimal

from django.db import migrations

FIGURES = [
    {
        "label": "Spent within Lancashire, 2017/18",
        "amount": Decimal("36000000"),
        "headline": "£36m spent by Lancashire Constabulary within Lancashire in 2017/18",
        "order": 1,
    },
    {
        "label": "West Division Police HQ",
        "amount": Decimal("6300000"),
        "headline": "Over £6.3m invested back into Lancashire businesses during the "
        "development of West Division Police Headquarters.",
        "order": 2,
    },
]

QUOTES = [
    "Focusing on locally produced goods where possible is a great thing for the "
    "community and it seems to work really well for us both",
    "We’re proud to be involved in such a prestigious contract and work with "
    "organisations with a defined social policy and we hope that more companies might "
    "follow suit in future for the benefit of our community as a whole.",
    "I am from the area and it’s good to see jobs being created locally which helps the "
    "local community too.",
]


def load(apps, schema_editor):
    SpendFigure = apps.get_model("campaign", "SpendFigure")
    Testimonial = apps.get_model("campaign", "Testimonial")
    for figure in FIGURES:
        SpendFigure.objects.create(**figure)
    for order, quote in enumerate(QUOTES, start=1):
        Testimonial.objects.create(quote=quote, order=order)


def unload(apps, schema_editor):
    SpendFigure = apps.get_model("campaign", "SpendFigure")
    Testimonial = apps.get_model("campaign", "Testimonial")
    SpendFigure.objects.filter(headline__in=[f["headline"] for f in FIGURES]).delete()
    Testimonial.objects.filter(quote__in=QUOTES).delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
