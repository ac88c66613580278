import pytest
from django.core.management import call_command

from campaign.models import SpendFigure, Testimonial


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_brief_content_loads_and_unloads():
    assert SpendFigure.objects.count() == 2
    assert Testimonial.objects.count() == 3
    call_command("migrate", "campaign", "0001", verbosity=0)
    assert SpendFigure.objects.count() == 0
    assert Testimonial.objects.count() == 0
    call_command("migrate", "campaign", verbosity=0)
    assert SpendFigure.objects.count() == 2
    assert Testimonial.objects.count() == 3
