"""Say each spend figure's kind, period, source and when it was last updated."""

import datetime

import django.core.validators
from django.db import migrations, models

SOURCE = (
    "Backing Lancashire campaign material, published by the Office of the Police and "
    "Crime Commissioner for Lancashire and Lancashire Constabulary"
)
# As the campaign material states them, and no more: it gives the headquarters no dates.
FACTS = {
    "£36m spent by Lancashire Constabulary within Lancashire in 2017/18": {
        "kind": "yearly",
        "period": "2017/18",
    },
    "Over £6.3m invested back into Lancashire businesses during the development of West "
    "Division Police Headquarters.": {
        "kind": "one-off",
        "period": "the development of West Division Police Headquarters",
    },
}


def fill_spend_facts(apps, schema_editor):
    SpendFigure = apps.get_model("campaign", "SpendFigure")
    for headline, facts in FACTS.items():
        SpendFigure.objects.filter(headline=headline).update(source=SOURCE, **facts)


class Migration(migrations.Migration):
    dependencies = [("campaign", "0002_load_brief_content")]

    operations = [
        migrations.AddField(
            model_name="spendfigure",
            name="kind",
            field=models.CharField(
                choices=[("yearly", "A total for one year"), ("one-off", "A one-off figure")],
                default="yearly",
                help_text="A one-off figure (a single project, say) is shown on its own, "
                "never on the same chart as yearly totals.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="spendfigure",
            name="period",
            field=models.CharField(
                default="",
                help_text='What the figure covers, e.g. "2017/18" or "the development of West '
                'Division Police Headquarters". Shown beside the figure.',
                max_length=120,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="spendfigure",
            name="source",
            field=models.CharField(
                default="",
                help_text="Where the figure comes from, so that a reader can check it. "
                "Shown beside the figure.",
                max_length=250,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="spendfigure",
            name="source_url",
            field=models.URLField(blank=True, help_text="Optional.", verbose_name="source address"),
        ),
        migrations.AddField(
            model_name="spendfigure",
            name="updated_on",
            field=models.DateField(
                default=datetime.date.today,
                help_text="When the figure was last checked against its source. Shown beside it.",
                verbose_name="last updated",
            ),
        ),
        migrations.AlterField(
            model_name="spendfigure",
            name="amount",
            field=models.DecimalField(
                decimal_places=2,
                help_text="In pounds, e.g. 36000000 for £36m. Yearly totals are drawn to "
                "scale on one chart.",
                max_digits=14,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="amount (£)",
            ),
        ),
        migrations.RunPython(fill_spend_facts, migrations.RunPython.noop),
    ]
