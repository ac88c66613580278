from django.db import migrations


def drop_like_index(apps, schema_editor):
    # On PostgreSQL Django adds a second index on a text primary key for LIKE 'PR1%'
    # searches. Lookups here are by the whole code, so it would only double the writes
    # of every load and take 100 MB.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            ["backing_lancashire_postcode", "%\\_like"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    # Apart from 0001: Django creates that index at the end of the migration making the table.
    dependencies = [("backing_lancashire", "0001_postcode")]

    operations = [migrations.RunPython(drop_like_index, migrations.RunPython.noop)]
