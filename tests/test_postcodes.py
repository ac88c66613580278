"""The postcode directory: finding a postcode's council area, loading the directory, and
the sign-up and manage forms finding the district from the postcode."""

import re

import pytest
from django.core.management import CommandError, call_command

from backing_lancashire import onspd
from backing_lancashire.models import Postcode
from backing_lancashire.postcodes import LANCASHIRE, NORTH_WEST, Place, find, find_many, normalise
from pledges.models import District, Pledge
from pledges.tokens import make_manage_token
from tests.factories import make_pledge, sign_up_answers
from tests.test_manage import answers as manage_answers
from tests.test_sign import field_error, summary

pytestmark = pytest.mark.django_db

# One postcode in each of the fourteen council areas, checked against the directory.
IN_LANCASHIRE = [
    ("BB2 4JW", District.BLACKBURN_WITH_DARWEN),
    ("FY3 7DS", District.BLACKPOOL),
    ("BB11 3NB", District.BURNLEY),
    ("PR6 9FW", District.CHORLEY),
    ("FY8 4WS", District.FYLDE),
    ("BB5 4EG", District.HYNDBURN),
    ("LA1 1AA", District.LANCASTER),
    ("BB8 8SX", District.PENDLE),
    ("PR1 2AB", District.PRESTON),
    ("BB7 2AA", District.RIBBLE_VALLEY),
    ("BB4 9AY", District.ROSSENDALE),
    ("PR25 1AA", District.SOUTH_RIBBLE),
    ("WN8 6LL", District.WEST_LANCASHIRE),
    ("FY6 8GS", District.WYRE),
]
# The rest of the North West, including postcode areas shared with Lancashire.
IN_NORTH_WEST = [
    ("M1 1AE", "E08000003"),  # Manchester
    ("CA1 1AA", "E06000063"),  # Carlisle, Cumberland
    ("LA23 1AA", "E06000064"),  # Windermere: Westmorland and Furness, not Lancaster
    ("WN1 1AA", "E08000010"),  # Wigan
    ("BL1 1AA", "E08000001"),  # Bolton
    ("OL1 1AA", "E08000004"),  # Oldham
    ("PR8 1AA", "E08000014"),  # Southport: Sefton, though a Preston postcode area
]
UNKNOWN = "PR1 9ZZ"  # well formed, and not in the directory
NO_COUNCIL = "FY4 9AA"  # in the directory, with no council area
KNOWN = [p for p, _ in IN_LANCASHIRE + IN_NORTH_WEST] + ["SW1A 1AA", NO_COUNCIL]


@pytest.fixture(scope="module")
def directory_rows():
    outwards = {postcode.split()[0] for postcode in KNOWN}
    return list(onspd.read(outwards=outwards))


@pytest.fixture
def directory(db, directory_rows):
    """Each outward code of KNOWN whole, so a missing postcode is really missing."""
    return onspd.replace(directory_rows)


# The rules ------------------------------------------------------------------------


def test_lancashire_is_its_fourteen_districts_and_part_of_the_north_west():
    assert len(LANCASHIRE) == 14
    assert set(LANCASHIRE.values()) == set(District) - {District.NORTH_WEST, District.OUTSIDE}
    assert len(NORTH_WEST) == 35 and set(LANCASHIRE) < NORTH_WEST


@pytest.mark.parametrize("postcode, district", IN_LANCASHIRE)
def test_it_finds_each_lancashire_district(directory, postcode, district):
    place = find(postcode)
    assert (place.postcode, place.district, place.area) == (postcode, district, "lancashire")
    assert place.pledge_district == district


@pytest.mark.parametrize("postcode, council", IN_NORTH_WEST)
def test_the_rest_of_the_north_west_is_not_lancashire(directory, postcode, council):
    place = find(postcode)
    assert (place.council, place.district, place.area) == (council, None, "north-west")
    assert place.pledge_district == District.NORTH_WEST


def test_london_is_elsewhere(directory):
    place = find("SW1A 1AA")
    assert (place.council, place.district, place.area) == ("E09000033", None, "elsewhere")
    assert place.pledge_district == District.OUTSIDE


def test_it_gives_the_grid_reference(directory):
    assert find("PR1 2AB") == Place("PR1 2AB", "E07000123", 353684, 429360)


@pytest.mark.parametrize("typed", ["pr12ab", " PR1 2AB ", "Pr1  2aB", "PR12AB"])
def test_case_and_spaces_do_not_matter(directory, typed):
    assert normalise(typed) == "PR1 2AB"
    assert find(typed) == find("PR1 2AB")


def test_it_is_one_query(directory, django_assert_num_queries):
    with django_assert_num_queries(1):
        find("PR1 2AB")


def test_an_unknown_postcode_is_not_guessed(directory):
    assert normalise(UNKNOWN) == UNKNOWN
    assert not Postcode.objects.filter(code="PR19ZZ").exists()
    assert Postcode.objects.filter(code__startswith="PR1").count() > 1000  # PR1 is loaded
    assert find(UNKNOWN) is None


def test_a_postcode_without_a_council_is_unknown(directory):
    row = Postcode.objects.get(code="FY49AA")
    assert (row.council, row.easting, row.northing) == ("", None, None)
    assert find(NO_COUNCIL) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PR1",
        "12345",
        "QQ1 1QQ",  # no postcode starts with Q
        "PR1 2AB PR1",
        "PR1 2AB\x00",
        "\x00",
        "PR1\n2AB",
        "P" * 100_000,
        " " * 100_000 + "2AB",
        "ＰＲ１ ２ＡＢ",  # full-width letters and digits
        "PR1 2AB\u202e",
        "PR1 2AB'; DROP TABLE backing_lancashire_postcode; --",
        "日本 1AA",
        None,
        12345,
    ],
)
def test_malformed_and_hostile_text_is_not_looked_up(directory, text, django_assert_num_queries):
    assert normalise(text) is None
    with django_assert_num_queries(0):
        assert find(text) is None
    assert find_many([text]) == {}


def test_find_many_finds_each_once_in_one_query(directory, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = find_many(
            ["pr12ab", "PR1 2AB", "M1 1AE", UNKNOWN, NO_COUNCIL, "nonsense", "", "LA23 1AA"]
        )
    assert found == {
        "PR1 2AB": find("PR1 2AB"),
        "M1 1AE": find("M1 1AE"),
        "LA23 1AA": find("LA23 1AA"),
    }


def test_find_many_with_nothing_to_find_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_many([]) == {}


# Loading ----------------------------------------------------------------------------


def test_loading_outward_codes_loads_those_only():
    loaded = onspd.load(outwards={"PR1"})
    codes = set(Postcode.objects.values_list("code", flat=True))
    assert loaded.count == len(codes) > 1000
    assert {code[:-3] for code in codes} == {"PR1"}  # not PR10 or PR11
    assert loaded.with_council == Postcode.objects.exclude(council="").count()


def test_loading_replaces_what_was_there():
    onspd.load(outwards={"PR1"})
    onspd.load(outwards={"LA23"})
    assert {code[:-3] for code in Postcode.objects.values_list("code", flat=True)} == {"LA23"}


def test_an_area_is_its_letters_only():
    onspd.load(areas={"ZE"})  # Shetland; its file also holds no other area
    assert Postcode.objects.count() > 0
    onspd.load(areas={"M"})
    areas = {onspd.area_of(code) for code in Postcode.objects.values_list("code", flat=True)}
    assert areas == {"M"}  # not ML (Motherwell), in the same file


def test_the_command_loads_and_says_how_many(capsys):
    call_command("load_postcodes", "--areas", "ze")
    out = capsys.readouterr().out
    count = Postcode.objects.count()
    with_council = Postcode.objects.exclude(council="").count()
    assert re.fullmatch(
        rf"Loaded {count:,} postcodes \({with_council:,} with a council area\) in \d+\.\d s\n",
        out,
    )


def test_the_command_with_if_empty_leaves_a_loaded_table_alone(capsys):
    call_command("load_postcodes", "--areas", "ZE", "--if-empty")
    count = Postcode.objects.count()
    assert count > 0
    capsys.readouterr()
    call_command("load_postcodes", "--areas", "LA", "--if-empty")
    assert capsys.readouterr().out == "Postcodes are loaded already: nothing to do.\n"
    assert Postcode.objects.count() == count
    assert not Postcode.objects.filter(code__startswith="LA").exists()


@pytest.mark.parametrize("area", ["P1", "PRX", "", "Ø"])
def test_the_command_refuses_what_is_not_an_area(area):
    with pytest.raises(CommandError, match="Not a postcode area"):
        call_command("load_postcodes", "--areas", area)
    assert not Postcode.objects.exists()


# The sign-up form ---------------------------------------------------------------------


def sign(client, **overrides):
    # As a visitor sends the form: the district is not asked unless the postcode is unknown.
    return client.post("/pledge/", sign_up_answers(**{"district": None, **overrides}))


@pytest.mark.parametrize(
    "postcode, district",
    [("PR1 2AB", "preston"), ("pr12ab", "preston"), ("M1 1AE", "north-west"),
     ("LA23 1AA", "north-west"), ("SW1A 1AA", "outside-north-west")],
)  # fmt: skip
def test_sign_up_finds_the_district_from_the_postcode(client, postcodes, postcode, district):
    response = sign(client, postcode=postcode)
    assert response.status_code == 302
    assert Pledge.objects.get().district == district


def test_a_district_sent_with_a_known_postcode_is_not_taken(client, postcodes):
    sign(client, postcode="PR1 2AB", district="wyre")
    assert Pledge.objects.get().district == "preston"


def test_the_form_does_not_ask_the_district(client):
    html = client.get("/pledge/").content.decode()
    assert 'name="postcode"' in html
    assert 'name="district"' not in html


@pytest.mark.parametrize("postcode", [UNKNOWN, NO_COUNCIL])
def test_an_unknown_postcode_asks_the_district(client, postcodes, postcode):
    response = sign(client, postcode=postcode, name="Unknown Place Ltd")
    message = "We cannot find that postcode — check it, or choose your district"
    assert field_error(response, "postcode") == message
    assert summary(response) == [("postcode", message)]
    html = response.content.decode()
    assert 'name="district"' in html
    # After the postcode, with the other answers kept.
    assert html.index('name="postcode"') < html.index('name="district"')
    assert 'value="Unknown Place Ltd"' in html
    assert not Pledge.objects.exists()


def test_choosing_a_district_then_is_accepted_with_that_postcode(client, postcodes):
    response = sign(client, postcode=UNKNOWN, district="chorley")
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.postcode, pledge.district) == (UNKNOWN, "chorley")


def test_a_malformed_postcode_says_so_and_asks_no_district(client, postcodes):
    response = sign(client, postcode="QQ1 1QQ")
    assert field_error(response, "postcode") == "Enter a real UK postcode, like PR1 2AB."
    assert 'name="district"' not in response.content.decode()


def test_check_your_answers_shows_the_district_found(client, postcodes):
    answers = sign_up_answers(district=None, postcode="M1 1AE", confirm=None)
    assert client.post("/pledge/", answers).status_code == 302
    html = client.get("/pledge/check-your-answers/").content.decode()
    district = re.search(r"District</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", html, re.S).group(1)
    assert district == "Elsewhere in the North West"
    # Changing it means changing the postcode: the button goes there.
    assert 'formaction="/pledge/#id_postcode"' in html
    assert 'formaction="/pledge/#id_district"' not in html


# The manage page ----------------------------------------------------------------------


def manage(client, pledge, **changes):
    url = f"/pledge/manage/{make_manage_token(pledge)}/"
    return client.post(url, manage_answers(pledge, **changes), follow=True)


def test_a_pledge_keeps_its_district_while_its_postcode_stays(client, postcodes):
    # Chosen at sign-up for a postcode we could not find: kept, not asked again.
    pledge = make_pledge(status=Pledge.Status.PENDING, postcode=UNKNOWN, district="wyre")
    response = manage(client, pledge, website="https://example.org")
    assert "Your changes are saved." in response.content.decode()
    pledge.refresh_from_db()
    assert (pledge.website, pledge.district) == ("https://example.org", "wyre")


def test_a_new_postcode_finds_the_district_again(client, postcodes):
    pledge = make_pledge(status=Pledge.Status.PENDING, postcode="PR1 2AB", district="preston")
    manage(client, pledge, postcode="m11ae")
    pledge.refresh_from_db()
    assert (pledge.postcode, pledge.district) == ("M1 1AE", "north-west")


def test_a_new_postcode_of_an_approved_pledge_holds_the_district_for_review(client, postcodes):
    pledge = make_pledge(status=Pledge.Status.APPROVED, postcode="PR1 2AB", district="preston")
    manage(client, pledge, postcode="BB7 2AA")
    pledge.refresh_from_db()
    # The postcode is private and changes at once; the wall's district waits for review.
    assert (pledge.postcode, pledge.district) == ("BB7 2AA", "preston")
    assert pledge.changes.get().values == {"district": "ribble-valley"}


def test_a_new_unknown_postcode_asks_the_district_on_the_manage_page(client, postcodes):
    pledge = make_pledge(status=Pledge.Status.PENDING, postcode="PR1 2AB", district="preston")
    response = manage(client, pledge, postcode=UNKNOWN)
    assert field_error(response, "postcode") == (
        "We cannot find that postcode — check it, or choose your district"
    )
    html = response.content.decode()
    assert 'name="district"' in html and "Select…" in html
    pledge.refresh_from_db()
    assert (pledge.postcode, pledge.district) == ("PR1 2AB", "preston")
    manage(client, pledge, postcode=UNKNOWN, district="fylde")
    pledge.refresh_from_db()
    assert (pledge.postcode, pledge.district) == (UNKNOWN, "fylde")


def test_northern_irelands_postcodes_are_never_loaded(db):
    # Their licence is not the Open Government Licence: a BT postcode is unknown here.
    # (BT1 1AA is in the package's data, in Belfast.)
    onspd.load(outwards={"BT1", "PR1"})
    assert find("BT1 1AA") is None
    assert not Postcode.objects.filter(code__startswith="BT").exists()
    assert find("PR1 2AB") is not None
