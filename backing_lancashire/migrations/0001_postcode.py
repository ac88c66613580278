from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Postcode",
            fields=[
                ("code", models.CharField(max_length=7, primary_key=True, serialize=False)),
                ("council", models.CharField(blank=True, max_length=9)),
                ("easting", models.PositiveIntegerField(null=True)),
                ("northing", models.PositiveIntegerField(null=True)),
            ],
            options={
                "indexes": [models.Index(fields=["easting", "northing"], name="postcode_grid")],
            },
        ),
    ]
