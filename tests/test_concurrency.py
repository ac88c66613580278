"""Two submissions for one organisation at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from pledges.models import Pledge
from pledges.tokens import make_token
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


def test_two_sign_ups_at_once_are_both_taken_and_one_confirmation_wins():
    def sign(i):
        answers = sign_up_answers(name="Ribble Valley Bakery", email=f"person{i}@example.org")
        return Client().post("/pledge/", answers).status_code

    assert at_once(sign) == [302, 302]
    first, second = Pledge.objects.all()

    def confirm(i):
        return Client().post(f"/pledge/verify/{make_token([first, second][i])}/").status_code

    assert sorted(at_once(confirm)) == [200, 409]
    assert Pledge.objects.active().count() == 1


def test_the_database_refuses_all_but_one_of_simultaneous_confirmations():
    pledges = [make_pledge(name="Pendle Widgets", email=f"p{i}@example.org") for i in range(4)]

    results = at_once(lambda i: pledges[i].verify(), count=4)

    assert sorted(type(r).__name__ for r in results) == ["DuplicatePledge"] * 3 + ["NoneType"]
    assert Pledge.objects.active().filter(name="Pendle Widgets").count() == 1


def test_the_same_companies_house_number_cannot_slip_in_twice():
    pledges = [
        make_pledge(name=f"Trading Name {i}", companies_house_number="01234567") for i in range(2)
    ]

    results = at_once(lambda i: pledges[i].verify())

    assert sorted(type(r).__name__ for r in results) == ["DuplicatePledge", "NoneType"], results
    assert Pledge.objects.active().filter(companies_house_number="01234567").count() == 1


def test_the_same_spending_file_imported_twice_at_once_is_counted_once():
    from backing_lancashire import onspd
    from campaign.models import Payment, Publisher, Supplier
    from campaign.spending.imports import File, save

    onspd.load(outwards={"PR1"})
    publisher = Publisher.objects.create(name="Lancashire Constabulary")
    lines = "".join(
        f"01/04/2025,Supplier {n},{500 + n}.00,Goods,R{n},PR1 2AB\r\n" for n in range(300)
    )
    data = ("Date,Supplier,Amount,Expense Type,Reference,Postcode\r\n" + lines).encode()

    results = at_once(lambda i: save(publisher, [File(f"april-{i}.csv", data)]))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(imported.added for [imported] in results) == [0, 300]
    assert Payment.objects.count() == 300 and Supplier.objects.count() == 300
