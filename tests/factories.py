"""Small helpers that build pledges and sign-up answers for the tests."""

import io
import itertools
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from pledges.forms import started_token
from pledges.models import Pledge

_numbers = itertools.count(1)


def sign_up_answers(**overrides):
    """A complete, valid set of answers to the sign-up form."""
    answers = {
        "name": "Ribble Valley Bakery",
        "organisation_type": "business",
        "sector": "manufacturing",
        "size": "small",
        "district": "ribble-valley",
        "postcode": "BB7 2AA",
        "website": "",
        "companies_house_number": "",
        "charity_number": "",
        "statement": "We buy our flour from Lancashire mills.",
        "commits_local_spend": "on",
        "commits_living_wage": "on",
        "contact_name": "Jo Baker",
        "contact_role": "Owner",
        "email": "jo@ribble-bakery.example",
        "phone": "",
        "authorised": "on",
        "agreed_to_listing": "on",
        "leave_blank": "",
        "started": started(seconds_ago=60),
        # As sent from the check-your-answers page; without it, a valid form shows that page.
        "confirm": "yes",
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def started(seconds_ago, visitor=""):
    """The signed time the form was shown, as the form writes it for a visitor whose CSRF
    secret is `visitor` (none: the test client sends no CSRF cookie unless it has one)."""
    return started_token(visitor, at=time.time() - seconds_ago)


def make_pledge(status=Pledge.Status.UNVERIFIED, **fields):
    """A pledge saved directly in the given status, with distinctive private details."""
    n = next(_numbers)
    values = {
        "name": f"Test Organisation {n}",
        "organisation_type": "business",
        "sector": "construction",
        "size": "micro",
        "district": "preston",
        "postcode": "PR1 2AB",
        "contact_name": f"Contact Person {n}",
        "contact_role": f"Secret Role {n}",
        "email": f"contact{n}@example.org",
        "phone": f"+4479111{n:05d}",
        "charity_number": f"{1000000 + n}",
        "commits_local_spend": True,
        "authorised": True,
        "agreed_to_listing": True,
        "privacy_notice_version": "1.0",
        "consented_at": timezone.now(),
        **fields,
    }
    pledge = Pledge.submit(**values)
    # As if its confirmation email went long ago: a test sees only the mail it causes.
    DBTaskResult.objects.filter(args_kwargs__args=["verify", pledge.pk]).delete()
    if status != Pledge.Status.UNVERIFIED:
        stamps = {
            Pledge.Status.PENDING: {"verified_at": timezone.now()},
            Pledge.Status.APPROVED: {
                "verified_at": timezone.now(),
                "approved_at": timezone.now(),
                "affirmed_at": timezone.now(),
            },
            Pledge.Status.LAPSED: {
                "verified_at": timezone.now(),
                "approved_at": timezone.now() - timedelta(days=500),
                "affirmed_at": timezone.now() - timedelta(days=500),
                "lapsed_at": timezone.now(),
            },
            Pledge.Status.REJECTED: {"rejected_at": timezone.now()},
            Pledge.Status.WITHDRAWN: {"withdrawn_at": timezone.now()},
        }[status]
        stamps.update({k: v for k, v in fields.items() if k in stamps})
        Pledge.objects.filter(pk=pledge.pk).update(status=status, **stamps)
        pledge.refresh_from_db()
    return pledge


def image_bytes(fmt="PNG", size=(64, 32), colour=(200, 16, 46), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def admin_edit(client, pledge, **changes):
    """Send the admin's change form for a pledge, as a moderator would, with some changes."""
    url = f"/admin/pledges/pledge/{pledge.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.pop("logo", None)
    data = {name: ("on" if value is True else value) for name, value in data.items()}
    data.update({"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0, **changes})
    response = client.post(url, data)
    errors = response.context["adminform"].form.errors if response.status_code == 200 else {}
    return response, errors
