"""Let the Moderators group see impact returns and hide figures (change), not delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [("impact", "view_impactreturn"), ("impact", "change_impactreturn")]


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="Moderators").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="impact",
                codename__in=[codename for _, codename in PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0001_initial"),
        ("pledges", "0003_moderators_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
