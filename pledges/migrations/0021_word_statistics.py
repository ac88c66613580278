from django.db import migrations

# Statistics of the upper-cased name and description, which the word searches test with a
# regular expression (the trigram indexes of migrations 0012 and 0019). PostgreSQL keeps
# statistics of an index's expression, but not of a partial index's (they would describe
# only part of the table), so it guessed that any word matched 64 signatories: "co-op",
# in 15,754 names, was read from the table across the county to find the 733 within ten
# miles of Ormskirk (44 ms). Estimated from these (17,147), the word's rows are first
# intersected with the grid's box (22 ms).
STATISTICS = {
    "pledge_upper_name": "UPPER(name)",
    "pledge_upper_supplies": "UPPER(supplies)",
}


def add_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in STATISTICS.items():
            schema_editor.execute(
                f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM pledges_pledge"
            )
        schema_editor.execute("ANALYZE pledges_pledge")


def remove_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in STATISTICS:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0020_buying_links")]

    operations = [migrations.RunPython(add_statistics, remove_statistics)]
