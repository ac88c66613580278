import re

import pytest
from django.core.management import call_command

from pledges.models import District, Pledge
from pledges.tilemap import LAYOUT
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status


def headline(client, url="/signatories/"):
    html = client.get(url).content.decode()
    return re.search(r'<h2 id="impact-heading">([^<]+)</h2>', html).group(1)


def theme_counts(client):
    html = client.get("/signatories/").content.decode()
    return re.findall(r"<strong>([\d,]+)</strong> organisations? commits? to ([^<]+)</span>", html)


def test_the_figures_count_approved_pledges_by_theme(client):
    make_pledge(status=S.APPROVED, commits_living_wage=True)
    make_pledge(status=S.APPROVED, commits_living_wage=True, commits_jobs=True)
    make_pledge(status=S.PENDING, commits_living_wage=True)
    assert headline(client) == "2 organisations backing Lancashire"
    assert theme_counts(client) == [
        ("2", "spend through local and regional firms"),
        ("2", "pay the real Living Wage"),
        ("1", "create jobs and apprenticeships"),
        ("0", "create volunteering opportunities"),
        ("0", "protect the environment"),
    ]
    assert "2 organisations backing Lancashire" in headline(client, "/")


def test_the_figures_change_at_once_on_approval_and_withdrawal(
    client, staff, approved, pending, django_capture_on_commit_callbacks
):
    assert headline(client) == "1 organisation backing Lancashire"  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        pending.approve(by=staff)
    assert headline(client) == "2 organisations backing Lancashire"
    with django_capture_on_commit_callbacks(execute=True):
        pending.withdraw()
    assert headline(client) == "1 organisation backing Lancashire"


def test_the_map_and_its_table_match_the_database(client):
    call_command("seed_signatories", 200, verbosity=0)
    html = client.get("/signatories/").content.decode()
    for district in District:
        expected = Pledge.objects.public().filter(district=district).count()
        row = re.search(
            rf'<a href="/signatories/\?district={district.value}">{re.escape(district.label)}</a>'
            rf'</th><td class="text-end">([\d,]+)</td>',
            html,
        )
        assert int(row.group(1).replace(",", "")) == expected, district
        if district in LAYOUT:
            tile = re.search(
                rf'\?district={district.value}" aria-label="\w+, {re.escape(district.label)}: '
                rf"([\d,]+) signator",
                html,
            )
            assert int(tile.group(1).replace(",", "")) == expected, district


def test_each_tile_links_to_the_wall_filtered_to_its_district(client):
    make_pledge(status=S.APPROVED, district="burnley", name="Burnley Bakers")
    make_pledge(status=S.APPROVED, district="chorley", name="Chorley Cakes")
    html = client.get("/signatories/").content.decode()
    assert 'href="/signatories/?district=burnley" aria-label="BUR, Burnley: 1 signatory"' in html
    filtered = client.get("/signatories/?district=burnley").content.decode()
    assert "Burnley Bakers" in filtered and "Chorley Cakes" not in filtered
