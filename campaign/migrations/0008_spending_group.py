"""A "Spending" group for the staff who import spending files and keep the supplier
register: exactly that, and nothing of moderation (and moderators get none of this)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Spending"
PERMISSIONS = [
    "view_spendimport",
    "add_spendimport",
    "delete_spendimport",
    "view_supplier",
    "change_supplier",
    "view_publisher",
    "change_publisher",
]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="campaign", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0007_spending")]

    operations = [migrations.RunPython(grant, revoke)]
