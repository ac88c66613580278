import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from campaign.models import SpendFigure, Testimonial
from pledges.models import Pledge
from tests.factories import make_pledge


def brief_content():
    return SpendFigure.objects.count(), Testimonial.objects.count()


def migrate_everything():
    # Every app, not only campaign: unapplying campaign's content also unapplies the
    # pledges migrations that depend on it (the Moderators group, 0003, and all after),
    # and the tests that run next in this process need their tables.
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_brief_content_loads_and_unloads():
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert brief_content() == (0, 0)
    call_command("migrate", "campaign", verbosity=0)
    assert brief_content() == (2, 3)
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert brief_content() == (0, 0)
    migrate_everything()


@pytest.mark.django_db(transaction=True)
def test_unloading_keeps_what_staff_added():
    call_command("migrate", "campaign", verbosity=0)
    SpendFigure.objects.create(label="Added by staff", amount=5, headline="£5 spent")
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert list(SpendFigure.objects.values_list("label", flat=True)) == ["Added by staff"]
    migrate_everything()


@pytest.mark.django_db
def test_numbers_saved_before_the_rules_are_put_in_their_one_form():
    fill = importlib.import_module("pledges.migrations.0006_fill_normalised_numbers").fill
    old = make_pledge(status=Pledge.Status.APPROVED)
    clash = make_pledge(status=Pledge.Status.APPROVED, companies_house_number="SC123456")
    other = make_pledge(status=Pledge.Status.PENDING)
    # As the admin saved them before its rules were the model's.
    Pledge.objects.filter(pk=old.pk).update(companies_house_number="sc654321", postcode="pr12ab")
    Pledge.objects.filter(pk=other.pk).update(companies_house_number="sc123456")
    fill(django_apps, None)
    old.refresh_from_db()
    assert (old.companies_house_number, old.postcode) == ("SC654321", "PR1 2AB")
    # The same organisation twice: left for a moderator, rather than the migration failing.
    assert Pledge.objects.get(pk=other.pk).companies_house_number == "sc123456"
    assert Pledge.objects.get(pk=clash.pk).companies_house_number == "SC123456"
