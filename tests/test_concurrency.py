"""Two submissions for one organisation at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from pledges.models import DuplicatePledge, Pledge
from tests.factories import make_pledge, sign_up_answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one write at a time, so no two submissions can race; "
        "CI runs this on PostgreSQL",
    ),
]


def at_once(work, count=2):
    """Run `work(i)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def pledge_fields():
    """Everything Pledge.submit needs but a name, taken from a pledge then removed."""
    base = make_pledge(name="Template Org")
    skip = ("id", "slug", "name", "logo", "status", "submitted_at")
    fields = {
        f.name: getattr(base, f.name) for f in Pledge._meta.concrete_fields if f.name not in skip
    }
    base.delete()
    return fields


def test_two_sign_ups_at_once_make_one_pledge_and_one_clear_message():
    def sign(i):
        answers = sign_up_answers(name="Ribble Valley Bakery", email=f"person{i}@example.org")
        response = Client().post("/pledge/", answers)
        return response.status_code, response.content.decode()

    results = at_once(sign)

    assert sorted(status for status, _ in results) == [200, 302]
    (page,) = [html for status, html in results if status == 200]
    assert "Ribble Valley Bakery has already signed the pledge" in page
    assert Pledge.objects.count() == 1


def test_the_database_refuses_the_second_of_two_simultaneous_inserts():
    fields = pledge_fields()

    results = at_once(lambda i: Pledge.submit(**{**fields, "name": "Pendle Widgets"}), count=4)

    winners = [r for r in results if isinstance(r, Pledge)]
    losers = [r for r in results if isinstance(r, DuplicatePledge)]
    assert len(winners) == 1 and len(losers) == 3, results
    assert Pledge.objects.filter(name="Pendle Widgets").count() == 1


def test_the_same_companies_house_number_cannot_slip_in_twice():
    fields = pledge_fields()

    results = at_once(
        lambda i: Pledge.submit(
            **{**fields, "name": f"Trading Name {i}", "companies_house_number": "01234567"}
        )
    )

    assert sorted(type(r).__name__ for r in results) == ["DuplicatePledge", "Pledge"], results
    assert Pledge.objects.filter(companies_house_number="01234567").count() == 1
