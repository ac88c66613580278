"""The demo data command, `manage.py seed_signatories`."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pledges import checkins, history
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_seed_signatories_makes_varied_approved_demo_data(client):
    call_command("seed_signatories", 300, verbosity=0)
    demo = Pledge.objects.public()
    assert demo.count() == 300
    # Beside them, some that stopped checking in and lapsed, as real signatories do.
    lapsed = Pledge.objects.filter(status="lapsed")
    assert 0 < lapsed.count() < 60
    assert set(Pledge.objects.values_list("status", flat=True)) == {"approved", "lapsed"}
    now = timezone.now()
    standings = {checkins.standing(pledge, now) for pledge in Pledge.objects.all()}
    assert standings == {"current", "due", "lapsed"}
    for pledge in lapsed:
        assert pledge.lapsed_at == checkins.lapses_on(pledge.affirmed_at, pledge.reminded_at)
        assert pledge.lapsed_at <= now and pledge.checkin_reminders == 2
    for pledge in demo:
        lapses = checkins.lapses_on(pledge.affirmed_at, pledge.reminded_at)
        assert pledge.approved_at <= pledge.affirmed_at < lapses
    assert demo.values("district").distinct().count() >= 14
    assert demo.values("sector").distinct().count() >= 10
    assert demo.values("size").distinct().count() == 4
    assert all(email.endswith("@example.invalid") for email in demo.values_list("email", flat=True))
    assert len(set(demo.values_list("slug", flat=True))) == 300
    assert re.search(r"Showing 1–48 of 300", client.get("/signatories/").content.decode())
    call_command("seed_signatories", "--delete", verbosity=0)
    assert not Pledge.objects.exists()


def test_no_demo_signatory_is_approved_in_the_future():
    call_command("seed_signatories", 300, verbosity=0)
    assert not Pledge.objects.filter(approved_at__gt=timezone.now()).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_seeding_leaves_the_planner_statistics_of_the_new_rows():
    call_command("seed_signatories", 300, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'pledges_pledge'")
        # -1, "never analysed", without it (the lapsed beside the 300 listed count too)
        assert cursor.fetchone()[0] == Pledge.objects.count() > 300


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's visibility map")
@pytest.mark.django_db(transaction=True)
def test_seeding_outside_a_transaction_leaves_the_table_vacuumed():
    # Without VACUUM no page is marked all-visible, and every index-only scan of the
    # wall's searches reads each row from the table as well.
    call_command("seed_signatories", 300, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'pledges_pledge'"
        )
        pages, visible = cursor.fetchone()
    assert pages > 0 and visible == pages


def test_demo_histories_tell_the_same_story_as_the_dates(client):
    call_command("seed_signatories", 200, verbosity=0)
    lapsed = Pledge.objects.filter(status="lapsed").first()
    steps = [step.text for step in history.public(lapsed)]
    assert steps[:2] == ["Signed the pledge.", "Approved by our team and listed."]
    assert steps[-1].startswith("The pledge lapsed")
    for pledge in Pledge.objects.all():
        for report in pledge.returns.all():
            assert report.submitted_at >= pledge.submitted_at


def test_a_directory_postcode_no_one_could_sign_with_is_passed_over(postcodes):
    # The full directory keeps terminated postcodes of shapes no longer valid ("W1M 0AA",
    # in Westminster, where a few demo signatories are placed).
    from backing_lancashire.models import Postcode

    Postcode.objects.create(code="W1M0AA", council="E09000033", easting=528000, northing=181000)
    call_command("seed_signatories", 50, verbosity=0)
    assert Pledge.objects.public().count() == 50
    assert not Pledge.objects.filter(postcode="W1M 0AA").exists()


def test_with_the_postcode_directory_each_is_somewhere_in_its_district(client, postcodes):
    from backing_lancashire import postcodes as directory

    call_command("seed_signatories", 200, verbosity=0)
    preston = Pledge.objects.public().filter(district="preston")
    assert preston.exists()
    for pledge in preston:
        place = directory.find(pledge.postcode)
        assert place.district == "preston"
        assert (pledge.easting, pledge.northing) == directory.centre(place)
    demo = Pledge.objects.public()
    described = demo.exclude(categories=[])
    assert 0.6 * demo.count() < described.count() < demo.count()
    assert demo.filter(sells_to_public_sector=True).exists()
    assert demo.exclude(supplies="").exists()
    html = client.get("/suppliers/?near=PR1+2AB&within=10&q=catering").content.decode()
    distances = re.findall(r'class="supplier__distance">(\d+) miles? away</span>', html)
    assert distances and distances == sorted(distances, key=int)
