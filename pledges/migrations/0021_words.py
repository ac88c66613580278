import django.db.models.functions.text
from django.db import migrations, models

# The supplier search's words (suppliers.word_starts): `words`, the name and description
# upper-cased in one, each mark a space (models.MARKS), kept by the database. On
# PostgreSQL a trigram index of it answers the search's LIKE (approved pledges only). The
# description's own trigram index served the regular expression of UPPER(supplies) that
# this replaces; the GiST index of points served a walk of the signatories nearest first,
# which the search no longer makes (suppliers.Nearest reads whole places, on the grid's
# btree indexes).
ADDED = {
    "pledge_pub_words_trgm": "USING gin (words gin_trgm_ops) WITH (fastupdate = off) "
    "WHERE status = 'approved'",
}
DROPPED = {
    "pledge_pub_supplies_trgm": "USING gin ((UPPER(supplies)) gin_trgm_ops) "
    "WITH (fastupdate = off) WHERE status = 'approved'",
    "pledge_pub_point": "USING gist (point(easting, northing)) WHERE status = 'approved'",
}


def change_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, how in ADDED.items():
            schema_editor.execute(f"CREATE INDEX {name} ON pledges_pledge {how}")
        for name in DROPPED:
            schema_editor.execute(f"DROP INDEX {name}")
        # Statistics of the new column at once, for the planner's estimates of a word.
        schema_editor.execute("ANALYZE pledges_pledge")


def restore_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ADDED:
            schema_editor.execute(f"DROP INDEX {name}")
        for name, how in DROPPED.items():
            schema_editor.execute(f"CREATE INDEX {name} ON pledges_pledge {how}")


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0020_buying_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="words",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Replace(
                                django.db.models.functions.text.Replace(
                                    django.db.models.functions.text.Replace(
                                        django.db.models.functions.text.Replace(
                                            django.db.models.functions.text.Replace(
                                                django.db.models.functions.text.Replace(
                                                    django.db.models.functions.text.Replace(
                                                        django.db.models.functions.text.Replace(
                                                            django.db.models.functions.text.Replace(
                                                                django.db.models.functions.text.Replace(
                                                                    django.db.models.functions.text.Replace(
                                                                        django.db.models.functions.text.Replace(
                                                                            django.db.models.functions.text.Replace(
                                                                                django.db.models.functions.text.Replace(
                                                                                    django.db.models.functions.text.Replace(
                                                                                        django.db.models.functions.text.Replace(
                                                                                            django.db.models.functions.text.Replace(
                                                                                                django.db.models.functions.text.Replace(
                                                                                                    django.db.models.functions.text.Replace(
                                                                                                        django.db.models.functions.text.Replace(
                                                                                                            django.db.models.functions.text.Replace(
                                                                                                                django.db.models.functions.text.Upper(
                                                                                                                    django.db.models.functions.text.Concat(
                                                                                                                        django.db.models.functions.text.Concat(
                                                                                                                            models.Value(
                                                                                                                                " "
                                                                                                                            ),
                                                                                                                            "name",
                                                                                                                        ),
                                                                                                                        django.db.models.functions.text.Concat(
                                                                                                                            models.Value(
                                                                                                                                " \n "
                                                                                                                            ),
                                                                                                                            "supplies",
                                                                                                                        ),
                                                                                                                    )
                                                                                                                ),
                                                                                                                models.Value(
                                                                                                                    "-"
                                                                                                                ),
                                                                                                                models.Value(
                                                                                                                    " "
                                                                                                                ),
                                                                                                            ),
                                                                                                            models.Value(
                                                                                                                "–"
                                                                                                            ),
                                                                                                            models.Value(
                                                                                                                " "
                                                                                                            ),
                                                                                                        ),
                                                                                                        models.Value(
                                                                                                            "—"
                                                                                                        ),
                                                                                                        models.Value(
                                                                                                            " "
                                                                                                        ),
                                                                                                    ),
                                                                                                    models.Value(
                                                                                                        "&"
                                                                                                    ),
                                                                                                    models.Value(
                                                                                                        " "
                                                                                                    ),
                                                                                                ),
                                                                                                models.Value(
                                                                                                    "/"
                                                                                                ),
                                                                                                models.Value(
                                                                                                    " "
                                                                                                ),
                                                                                            ),
                                                                                            models.Value(
                                                                                                "("
                                                                                            ),
                                                                                            models.Value(
                                                                                                " "
                                                                                            ),
                                                                                        ),
                                                                                        models.Value(
                                                                                            ")"
                                                                                        ),
                                                                                        models.Value(
                                                                                            " "
                                                                                        ),
                                                                                    ),
                                                                                    models.Value(
                                                                                        ","
                                                                                    ),
                                                                                    models.Value(
                                                                                        " "
                                                                                    ),
                                                                                ),
                                                                                models.Value("."),
                                                                                models.Value(" "),
                                                                            ),
                                                                            models.Value("'"),
                                                                            models.Value(" "),
                                                                        ),
                                                                        models.Value("’"),
                                                                        models.Value(" "),
                                                                    ),
                                                                    models.Value("‘"),
                                                                    models.Value(" "),
                                                                ),
                                                                models.Value('"'),
                                                                models.Value(" "),
                                                            ),
                                                            models.Value("“"),
                                                            models.Value(" "),
                                                        ),
                                                        models.Value("”"),
                                                        models.Value(" "),
                                                    ),
                                                    models.Value("+"),
                                                    models.Value(" "),
                                                ),
                                                models.Value(":"),
                                                models.Value(" "),
                                            ),
                                            models.Value(";"),
                                            models.Value(" "),
                                        ),
                                        models.Value("!"),
                                        models.Value(" "),
                                    ),
                                    models.Value("?"),
                                    models.Value(" "),
                                ),
                                models.Value("["),
                                models.Value(" "),
                            ),
                            models.Value("]"),
                            models.Value(" "),
                        ),
                        models.Value("…"),
                        models.Value(" "),
                    ),
                    models.Value("*"),
                    models.Value(" "),
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(change_indexes, restore_indexes),
    ]
