"""Give the brief's figures the dates their source gives, not the day 0005 ran.

0005 stamped every figure with the day the migration ran, which the page then showed
as when the figure was last updated. The brief's yearly total is for 2017/18, so it
is up to date to the last day of that financial year; the brief gives the
headquarters figure no date, so it has none and the page says the source gives none.
"""

import datetime

from django.db import migrations, models

# The brief's headlines verbatim (0002): a figure staff have rewritten is left alone.
DATES = {
    "£36m spent by Lancashire Constabulary within Lancashire in 2017/18": datetime.date(
        2018, 3, 31
    ),
    "Over £6.3m invested back into Lancashire businesses during the development of West "
    "Division Police Headquarters.": None,
}


def fill_spend_dates(apps, schema_editor):
    SpendFigure = apps.get_model("campaign", "SpendFigure")
    for headline, date in DATES.items():
        SpendFigure.objects.filter(headline=headline).update(updated_on=date)


def undated_as_before(apps, schema_editor):
    # Back to 0005's required date: a figure without one gets the day, as 0005 gave it.
    SpendFigure = apps.get_model("campaign", "SpendFigure")
    SpendFigure.objects.filter(updated_on=None).update(updated_on=datetime.date.today())


class Migration(migrations.Migration):
    dependencies = [("campaign", "0005_spend")]

    operations = [
        migrations.AlterField(
            model_name="spendfigure",
            name="updated_on",
            field=models.DateField(
                blank=True,
                help_text="The date the figure is up to date to, as its source gives it: for "
                "a yearly total, the last day of that year unless the source is later. Shown "
                "beside it as “Last updated”. Leave blank only if the source gives no date: "
                "the page then says so.",
                null=True,
                verbose_name="last updated",
            ),
        ),
        migrations.RunPython(fill_spend_dates, undated_as_before),
    ]
