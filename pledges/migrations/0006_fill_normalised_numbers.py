"""Put numbers and postcodes saved through the admin before its rules were the model's in
their one form, so that the unique index on Companies House numbers sees them as equal."""

from django.db import IntegrityError, migrations, transaction

from pledges.validators import charity_number_form, company_number_form, postcode_form

FORMS = {
    "companies_house_number": company_number_form,
    "charity_number": charity_number_form,
    "postcode": postcode_form,
}


def fill(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    for pledge in Pledge.objects.only("pk", *FORMS).iterator():
        changes = {
            field: normal
            for field, normal_form in FORMS.items()
            if (value := getattr(pledge, field)) and (normal := normal_form(value)) != value
        }
        if not changes:
            continue
        try:
            with transaction.atomic():
                Pledge.objects.filter(pk=pledge.pk).update(**changes)
        except IntegrityError:
            # Another active pledge has this number: two pledges of one organisation,
            # which only a moderator can settle. Left as it was, for the admin to show.
            pass


class Migration(migrations.Migration):
    dependencies = [("pledges", "0005_field_rules")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
