import pytest
from django.core.management import call_command

from campaign.models import SpendFigure, Testimonial


def brief_content():
    return SpendFigure.objects.count(), Testimonial.objects.count()


@pytest.mark.django_db(transaction=True)
def test_brief_content_loads_and_unloads():
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert brief_content() == (0, 0)
    call_command("migrate", "campaign", verbosity=0)
    assert brief_content() == (2, 3)
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert brief_content() == (0, 0)
    call_command("migrate", "campaign", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_unloading_keeps_what_staff_added():
    call_command("migrate", "campaign", verbosity=0)
    SpendFigure.objects.create(label="Added by staff", amount=5, headline="£5 spent")
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert list(SpendFigure.objects.values_list("label", flat=True)) == ["Added by staff"]
    call_command("migrate", "campaign", verbosity=0)
