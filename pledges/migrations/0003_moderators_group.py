"""Create the Moderators group with exactly what moderation needs.

View and change pledges, view their history, and keep the spend figures and
supporter quotes current. Not users, groups, deletion or the contact export.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("pledges", "view_pledge"),
    ("pledges", "change_pledge"),
    ("pledges", "view_pledgeevent"),
    ("campaign", "view_spendfigure"),
    ("campaign", "add_spendfigure"),
    ("campaign", "change_spendfigure"),
    ("campaign", "view_testimonial"),
    ("campaign", "add_testimonial"),
    ("campaign", "change_testimonial"),
]


def add_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_moderation"),
        ("campaign", "0002_load_brief_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_group, remove_group)]
