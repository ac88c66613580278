"""Finding a supplier: by what it supplies and how near it is, to a buyer's postcode.

The grid references here are made up, so that each distance can be worked out by hand:
a signatory is placed at the centre of its postcode sector (the mean of the sector's
postcodes; here twenty, in pairs either side of the centre), never at its postcode, and
the distance is the straight line from the buyer's postcode to that centre.
"""

import csv
import io
import math
import re
from html import unescape

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from backing_lancashire.models import Postcode
from pledges import suppliers
from pledges.models import Pledge
from pledges.suppliers import Distance, SupplierSearch, Within, reach
from tests.factories import make_pledge

pytestmark = pytest.mark.django_db

S = Pledge.Status
PRESTON, BURNLEY, WESTMINSTER = "E07000123", "E07000117", "E09000033"
MILE = 1609.344

# The buyer's postcode PR1 1AA, on Here's sector's centre.
BUYER = (350500, 430500)
# name: (sector, its centre) of each supplier; it signs with the sector's first postcode.
PLACES = {
    "Here": ("PR1 3", (350500, 430500)),  # 0 m
    "North": ("PR1 4", (350500, 442500)),  # 12,000 m: 7.46 miles
    "Diagonal": ("PR1 5", (359500, 439500)),  # 12,728 m: 7.91 miles
    "East": ("PR1 6", (366500, 430500)),  # 16,000 m: 9.94 miles
    "Far": ("BB1 1", (390500, 430500)),  # 40,000 m: 24.85 miles
    "Very far": ("LA1 1", (350500, 511500)),  # 81,000 m: 50.33 miles
}


def place(postcode, easting, northing, council=PRESTON):
    Postcode.objects.update_or_create(
        code=postcode.replace(" ", ""),
        defaults={"council": council, "easting": easting, "northing": northing},
    )


def sector(name, centre, count=20):
    """`count` postcodes (an even number) of a sector, "PR1 3AA" onwards, in pairs either
    side of `centre`, so that their mean is exactly the centre. Returns the first."""
    letters = [a + b for a in "ABCDEFGH" for b in "ABDEFGHJLNPQRSTUWXYZ"]
    for pair in range(count // 2):
        dx, dy = 40 * (pair + 1), 25 * pair
        place(f"{name}{letters[2 * pair]}", centre[0] + dx, centre[1] + dy)
        place(f"{name}{letters[2 * pair + 1]}", centre[0] - dx, centre[1] - dy)
    return f"{name}AA"


@pytest.fixture
def grid(db):
    place("PR1 1AA", *BUYER)
    # 16,898 m from East's centre: 10.4999 miles, shown as 10, so within 10 (16,898.112 m);
    # and 16,899 m: 10.5006 miles, shown as 11.
    place("PR1 1AB", BUYER[0] - 898, BUYER[1])
    place("PR1 1AD", BUYER[0] - 899, BUYER[1])
    place("SW1A 1AA", 529090, 179645, council=WESTMINSTER)
    place("FY4 9ZZ", None, None)  # in the directory without a grid reference
    for name, centre in PLACES.values():
        sector(name, centre)


def supplier(name, status=S.APPROVED, **fields):
    postcode = f"{PLACES[name][0]}AA" if name in PLACES else "PR1 3AA"
    return make_pledge(status, name=name, postcode=postcode, **fields)


@pytest.fixture
def everywhere(grid):
    return {name: supplier(name) for name in PLACES}


def names(response):
    return re.findall(
        r'class="supplier__name"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def page(client, query):
    response = client.get(f"/suppliers/?{query}")
    assert response.status_code == 200
    return response


# Where a signatory is -----------------------------------------------------------------


def test_a_signatory_is_placed_at_the_centre_of_its_sector_not_its_postcode(grid):
    pledge = supplier("Diagonal")
    assert (pledge.easting, pledge.northing) == (359500, 439500)
    own = Postcode.objects.get(code="PR15AA")
    assert (own.easting, own.northing) == (359540, 439500)


def test_a_sector_of_few_postcodes_gives_way_to_its_district(grid):
    sector("PR2 1", (360000, 420000))
    sector("PR2 7", (380000, 440000), count=4)  # too few to stand for anyone's place
    rows = Postcode.objects.filter(code__startswith="PR2")
    assert rows.count() == 24
    mean = [round(sum(getattr(row, axis) for row in rows) / 24) for axis in ("easting", "northing")]
    pledge = make_pledge(S.APPROVED, postcode="PR2 7AA")
    assert [pledge.easting, pledge.northing] == mean == [363333, 423333]
    Postcode.objects.filter(code__startswith="PR21").delete()
    pledge.save()  # nothing moved: placed as it was
    assert (pledge.easting, pledge.northing) == (363333, 423333)
    assert make_pledge(S.APPROVED, postcode="PR2 7AB").easting is None  # 4 in all now


def test_its_place_follows_its_postcode_on_every_path_and_goes_when_erased(grid):
    pledge = supplier("North")
    pledge.update_details({"postcode": "PR1 6AA"})
    assert (pledge.easting, pledge.northing) == (366500, 430500)
    pledge.postcode = "PR1 5AA"
    pledge.save(update_fields=["name"])  # the postcode not saved: nor its place
    pledge.save(update_fields=["postcode"])
    pledge.refresh_from_db()
    assert (pledge.postcode, pledge.easting, pledge.northing) == ("PR1 5AA", 359500, 439500)
    pledge.erase_personal_data()
    pledge.refresh_from_db()
    assert (pledge.easting, pledge.northing) == (None, None)


def test_loading_the_directory_again_places_every_pledge_again(grid):
    from backing_lancashire import onspd

    pledge = supplier("North")
    rows = [
        (code, council, easting + 1000, northing)
        for code, council, easting, northing in Postcode.objects.values_list(
            "code", "council", "easting", "northing"
        )
        if easting is not None
    ]
    onspd.replace([("P", rows)])
    pledge.refresh_from_db()
    assert (pledge.easting, pledge.northing) == (351500, 442500)


def test_a_search_page_renews_when_a_signatory_moves(client, grid):
    pledge = supplier("North")
    assert names(page(client, "near=PR1+1AA&within=10")) == ["North"]
    pledge.update_details({"postcode": "BB1 1AA"})  # same district: only its place moves
    assert names(page(client, "near=PR1+1AA&within=10")) == []


def test_a_postcode_the_directory_lacks_leaves_it_unplaced_and_listed_by_name(client, grid):
    pledge = make_pledge(S.APPROVED, name="Nowhere", postcode="PR9 9ZZ")
    assert pledge.easting is None
    assert names(page(client, "")) == ["Nowhere"]
    assert names(page(client, "near=PR1+1AA&within=50")) == []


# Distances, by hand ---------------------------------------------------------------


def test_near_a_postcode_the_nearest_come_first_with_their_distance(client, everywhere):
    response = page(client, "near=PR1+1AA&within=25")
    html = response.content.decode()
    assert names(response) == [
        "Here", "North", "Diagonal", "East", "Far",
    ]  # fmt: skip
    # 0 m, 12,000 m = 7.46 miles, 12,728 m = 7.91, 16,000 m = 9.94, 40,000 m = 24.85
    assert math.isclose(math.hypot(9000, 9000), 12727.9, abs_tol=0.1)
    distances = re.findall(r'class="supplier__distance">([^<]+) away</span>', html)
    assert distances == ["less than a mile", "7 miles", "8 miles", "10 miles", "25 miles"]


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        (5, ["Here"]),
        (10, ["Here", "North", "Diagonal", "East"]),
        (25, ["Here", "North", "Diagonal", "East", "Far"]),
        (50, ["Here", "North", "Diagonal", "East", "Far", "Very far"]),  # 50.33: "50 miles"
    ],
)
def test_each_radius_keeps_to_its_miles(client, everywhere, within, expected):
    assert names(page(client, f"near=PR1+1AA&within={within}")) == expected


@pytest.mark.parametrize(
    ("buyer", "inside", "shown"), [("PR1 1AB", True, "10 miles"), ("PR1 1AD", False, "11 miles")]
)
def test_within_takes_in_whatever_is_shown_as_that_many_miles(
    client, everywhere, buyer, inside, shown
):
    html = page(client, f"near={buyer}&within=10").content.decode()
    assert ("East" in names(page(client, f"near={buyer}&within=10"))) is inside
    assert f"{shown} away" in page(client, f"near={buyer}&within=25").content.decode()
    assert (f"{shown} away" in html) is inside


def test_without_a_radius_ten_miles_is_meant(client, everywhere):
    assert names(page(client, "near=pr11aa")) == ["Here", "North", "Diagonal", "East"]


def test_without_a_postcode_they_are_in_order_of_name(client, everywhere):
    assert names(page(client, "within=5")) == sorted(PLACES)


def test_ties_are_in_order_of_name_and_pages_neither_repeat_nor_skip(client, grid):
    for n in range(25):
        supplier(f"Square {n:02}")  # all in one square
    first, second = names(page(client, "near=PR1+1AA")), names(page(client, "near=PR1+1AA&page=2"))
    assert first + second == [f"Square {n:02}" for n in range(25)]


@pytest.mark.parametrize("limit", [3, 8, 13])
@pytest.mark.parametrize("query", ["", "sells=public", "q=catering"])
def test_past_the_count_every_slice_is_the_nearest_in_order(grid, limit, query):
    """More matches than the count reaches: each page is then read place by place (or
    from all the matches within the page's reach), and is what one query ordering them
    all would give, ties across places and within one place included."""
    sector("PR1 7", (350500, 418500))  # 12,000 m south: as near as North
    placed = [*PLACES, "South"]
    for n in range(48):
        name = placed[n % len(placed)]
        postcode = "PR1 7AA" if name == "South" else f"{PLACES[name][0]}AA"
        make_pledge(
            S.APPROVED,
            name=f"{'Zed' if n % 3 else 'Abbey'} {n:02}",  # ties put in order of name
            postcode=postcode,
            sells_to_public=n % 5 == 0,
            categories=["55000000"] if n % 4 == 0 else [],
        )
    search = SupplierSearch(QueryDict(f"near=PR1+1AA&within=25&{query}"))
    ordered = (
        search.matches(Pledge.objects.all())
        .filter(Within(*BUYER, reach(25)))
        .annotate(distance=Distance(*BUYER))
        .order_by("distance", "name", "pk")
    )
    expected = list(ordered.values_list("name", flat=True))
    nearest = search.found(Pledge.objects.all(), limit)
    assert nearest.count() == min(len(expected), limit + 1)
    for start in range(limit):
        for stop in range(start + 1, limit + 1):
            shown = [pledge.name for pledge in nearest[start:stop]]
            assert shown == expected[start:stop], (start, stop)


def test_a_place_the_cached_list_lacks_is_still_searched(grid, monkeypatch):
    """A signatory listed at a new place while the list of places is still the old one
    (for a second, until each process reads the new version): when the count saw it, the
    page is gathered another way, rather than leave out the nearest."""
    for n in range(6):
        make_pledge(S.APPROVED, name=f"North {n}", postcode="PR1 4AA")
    before = suppliers.places()
    make_pledge(S.APPROVED, name="Just approved", postcode="PR1 3AA")  # 0 m away
    monkeypatch.setattr(suppliers, "places", lambda: before)
    search = SupplierSearch(QueryDict("near=PR1+1AA&within=25"))
    nearest = search.found(Pledge.objects.all(), 6)  # one more than it counts to
    assert nearest.count() == 7
    assert [pledge.name for pledge in nearest[0:3]] == ["Just approved", "North 0", "North 1"]


# Postcodes that cannot be used -----------------------------------------------------


@pytest.mark.parametrize(
    ("near", "message"),
    [
        ("PR1", "Enter a full postcode, like PR1 2AB."),
        ("Preston", "Enter a full postcode, like PR1 2AB."),
        ("PR1 2AB'; DROP TABLE", "Enter a full postcode, like PR1 2AB."),
        ("PR9 9ZZ", "We cannot find PR9 9ZZ. Check the postcode, or search without one."),
        ("FY4 9ZZ", "We cannot find FY4 9ZZ. Check the postcode, or search without one."),
        (
            "bt7 1nn",
            "Our postcode directory has no Northern Ireland postcodes. Enter one in Great "
            "Britain, or search without one.",
        ),
    ],
)
def test_a_postcode_that_cannot_be_used_is_said_so_beside_its_box(
    client, everywhere, near, message
):
    response = client.get("/suppliers/", {"near": near, "q": "bread", "within": "25"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert html.count(message) == 2  # in the summary, and beside the box
    assert 'href="#id_near"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="bread"' in html  # the other answers kept
    assert names(response) == []


def test_a_postcode_far_from_lancashire_searches_and_says_few_are_near(client, everywhere):
    html = page(client, "near=SW1A+1AA&within=50").content.decode()
    assert "SW1A 1AA is outside the North West" in html
    assert "No suppliers match within 50 miles of SW1A 1AA" in html


# Words ------------------------------------------------------------------------------


@pytest.fixture
def trades(grid):
    return {
        "caterer": supplier("Ribble Kitchens", categories=["55000000"], supplies="Buffets"),
        "baker": supplier(
            "Bacup Bakery", categories=["15000000"], supplies="Bread and catering platters"
        ),
        "printer": supplier("Colne Print Works", categories=["22000000", "79000000"]),
        "builder": supplier("Pendle Builders", categories=["45000000"], supplies=""),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("catering", ["Bacup Bakery", "Ribble Kitchens"]),  # the category, the description
        ("caterers", ["Ribble Kitchens"]),  # the category's own words
        ("cater", ["Bacup Bakery", "Ribble Kitchens"]),
        ("print", ["Colne Print Works"]),
        ("leaflets", ["Colne Print Works"]),  # printed matter's other words
        ("bakery bread", ["Bacup Bakery"]),
        ("bread bakery", ["Bacup Bakery"]),  # any order
        ("bakery builders", []),  # every word
        ("BUFFETS", ["Ribble Kitchens"]),
        # From the start of a word only: not the "it" of "Kitchens", nor of "equipment".
        ("it", []),
        ("kit", ["Ribble Kitchens"]),
        # As it is typed: marks around a word, and plurals of a category's words.
        ("catering.", ["Bacup Bakery", "Ribble Kitchens"]),
        ("“catering”", ["Bacup Bakery", "Ribble Kitchens"]),
        ("(leaflets)", ["Colne Print Works"]),
        ("caterers,", ["Ribble Kitchens"]),
        ("meats", ["Bacup Bakery"]),  # food and drink's "meat"
        ("x", sorted(["Ribble Kitchens", "Bacup Bakery", "Colne Print Works", "Pendle Builders"])),
    ],
)
def test_every_word_matches_the_name_the_description_or_a_category(client, trades, q, expected):
    assert names(page(client, f"q={q}")) == expected


EVERYONE = sorted(["Hodder Co-op", "Smith & Sons (Joinery)", "“Bespoke” Joinery"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sons", ["Smith & Sons (Joinery)"]),  # after "& "
        ("joinery", sorted(["Smith & Sons (Joinery)", "“Bespoke” Joinery"])),  # after "("
        ("co-op", ["Hodder Co-op"]),
        ("co", ["Hodder Co-op"]),
        ("op", ["Hodder Co-op"]),  # after the hyphen, a word of its own
        ("doors", ["Smith & Sons (Joinery)"]),  # the description's first word
        ("shop", ["Hodder Co-op"]),
        ("kitchens/doors", []),  # every word in it, in that order
        ("stairs,", ["Smith & Sons (Joinery)"]),  # a mark after a word
        ("ons", []),
        ("“bespoke”", ["“Bespoke” Joinery"]),
        ("bespoke", ["“Bespoke” Joinery"]),
        ("hodder co", ["Hodder Co-op"]),
        ("co op", ["Hodder Co-op"]),
        ("co-op-shop", []),  # not across the name and the description
        # Left out, as a lone letter or sign is: each would find nearly everyone.
        ("--", EVERYONE),
        ("%", EVERYONE),
        ("j.", EVERYONE),
        ("(a)", EVERYONE),
        # The database's own wildcards are only characters.
        ("%%", []),
        ("co_op", []),
        ("100%", []),
        ("x\\y", []),
    ],
)
def test_a_word_starts_after_a_space_or_a_mark(client, grid, q, expected):
    supplier("Smith & Sons (Joinery)", supplies="Doors, stairs and windows")
    supplier("Hodder Co-op", supplies="Shop")
    supplier("“Bespoke” Joinery", supplies="")
    shown = names(page(client, "q=" + q.replace("%", "%25").replace("&", "%26")))
    assert [unescape(name) for name in shown] == expected


# Filters ----------------------------------------------------------------------------


@pytest.fixture
def mix(grid):
    return [
        supplier("Alpha", size="micro", organisation_type="charity", sells_to_public=True,
                 commits_jobs=True, categories=["55000000"]),
        supplier("Bravo", size="large", organisation_type="business", sells_to_public_sector=True,
                 living_wage_accredited=True, commits_living_wage=True, categories=["45000000"]),
        supplier("Charlie", size="medium", organisation_type="social-enterprise",
                 sells_to_businesses=True, district="burnley", categories=["55000000", "45000000"]),
        supplier("Delta", size="small", organisation_type="public-body",
                 sells_to_public_sector=True, sells_to_businesses=True),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=55000000", ["Alpha", "Charlie"]),
        ("category=45000000", ["Bravo", "Charlie"]),
        ("district=burnley", ["Charlie"]),
        ("size=sme", ["Alpha", "Charlie", "Delta"]),
        ("size=large", ["Bravo"]),
        ("type=vcse", ["Alpha", "Charlie"]),
        ("type=public-body", ["Delta"]),
        ("sells=public-sector", ["Bravo", "Delta"]),
        ("sells=businesses", ["Charlie", "Delta"]),
        ("sells=public", ["Alpha"]),
        ("accredited=1", ["Bravo"]),
        ("commitment=jobs", ["Alpha"]),
        ("commitment=living-wage", ["Bravo"]),
        ("category=55000000&type=vcse&size=sme", ["Alpha", "Charlie"]),
        ("category=45000000&sells=public-sector&accredited=1", ["Bravo"]),
        ("sells=businesses&size=sme&district=burnley", ["Charlie"]),
        ("category=55000000&sells=public-sector", []),
        ("near=PR1+1AA&within=5&type=vcse&sells=businesses", ["Charlie"]),
    ],
)
def test_each_filter_and_their_combinations(client, mix, query, expected):
    assert names(page(client, query)) == expected


def test_only_approved_signatories_are_listed(client, grid):
    for status in (S.UNVERIFIED, S.PENDING, S.REJECTED, S.WITHDRAWN, S.LAPSED):
        supplier(f"Not listed {status}", status=status, categories=["55000000"])
    supplier("Listed", categories=["55000000"])
    assert names(page(client, "q=catering")) == ["Listed"]
    assert names(page(client, "near=PR1+1AA&category=55000000")) == ["Listed"]


def test_a_search_names_what_it_shows_and_its_address_keeps_every_choice(client, mix):
    html = page(
        client, "q=kitchen&near=pr11aa&within=25&sells=public&accredited=on"
    ).content.decode()
    assert "Near: <strong>PR1 1AA, within 25 miles</strong>" in html
    assert "Sells to: <strong>The public</strong>" in html
    download = re.search(r'href="/suppliers\.csv\?([^"]+)"', html)
    assert download is None  # nothing matched: nothing to download
    html = page(client, "near=PR1+1AA&within=25&sells=public").content.decode()
    query = re.search(r'href="/suppliers\.csv\?([^"]+)"', html).group(1)
    assert set(query.replace("&amp;", "&").split("&")) == {
        "near=PR1+1AA", "within=25", "sells=public",
    }  # fmt: skip


# Hostile query strings -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "within=1000&near=PR1+1AA",
        "within=-5&near=PR1+1AA",
        "within=ten",
        "category=../../etc/passwd",
        "category=55000000&category=1",
        "size=enormous&type=%00&sells=%ff",
        "page=-1",
        "page=99999999999999999999",
        "page=2%00",
        "q=%25%25%25",
        "q=_",
        "q=%5C%5C",
        "q=%00%01%02",
        "q=" + "catering+" * 400,
        "near=" + "P" * 5000,
        "near=%00PR1+1AA",
        "near=PR1+1AA%0D%0ASet-Cookie:+x",
        "q=<script>alert(1)</script>&near=<b>",
        "accredited=<script>",
        "near[]=PR1&q[]=x",
    ],
)
def test_no_query_string_breaks_the_search(client, everywhere, query):
    for path in ("/suppliers/", "/suppliers/category/55000000/", "/suppliers.csv"):
        response = client.get(f"{path}?{query}")
        # Only the download answers a postcode it cannot use with a 400, as it has no
        # page to say so on.
        allowed = (200, 400) if path.endswith(".csv") else (200,)
        assert response.status_code in allowed, (path, response.status_code)
        assert b"<script>alert" not in response.content


def test_an_unknown_category_page_is_not_found(client):
    assert client.get("/suppliers/category/12345678/").status_code == 404
    assert client.get("/suppliers/category/55/").status_code == 404


def test_a_category_page_lists_only_its_suppliers_and_the_sitemap_lists_it(client, trades):
    html = client.get("/suppliers/category/55000000/").content.decode()
    assert "<h1>Hotels, catering and hospitality</h1>" in html
    assert names(client.get("/suppliers/category/55000000/")) == ["Ribble Kitchens"]
    assert 'name="category"' not in html  # fixed by the page
    sitemap = client.get("/sitemap-suppliers.xml").content.decode()
    assert "/suppliers/category/55000000/" in sitemap
    assert "/suppliers/category/22000000/" in sitemap
    assert "/suppliers/category/03000000/" not in sitemap  # nobody supplies it
    assert "/sitemap-suppliers.xml" in client.get("/sitemap.xml").content.decode()


# The download ----------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))


def test_the_download_holds_the_results_in_order_with_their_distances(client, everywhere):
    Pledge.objects.filter(name="North").update(
        categories=["55000000", "15000000"], supplies="Buffets", sells_to_public=True
    )
    rows = read_csv(client.get("/suppliers.csv?near=PR1+1AA&within=10"))
    assert [row["name"] for row in rows] == ["Here", "North", "Diagonal", "East"]
    assert [row["distance_miles"] for row in rows] == ["0", "7", "8", "10"]
    north = rows[1]
    assert north["categories"] == "15000000 55000000"
    assert north["category_labels"] == "Food and drink; Hotels, catering and hospitality"
    assert north["supplies"] == "Buffets"
    assert north["sells_to"] == "the public"
    assert north["url"].endswith(f"/signatories/{Pledge.objects.get(name='North').slug}/")


def test_the_download_cannot_run_a_formula(client, grid):
    supplier('=HYPERLINK("http://x")', supplies="+SUM(A1)", website="https://x.example")
    supplier("@Bad", supplies="-2+3")
    rows = read_csv(client.get("/suppliers.csv"))
    cells = [value for row in rows for value in row.values()]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'+SUM(A1)" in cells and "'@Bad" in cells and "'-2+3" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_the_download_of_a_bad_postcode_says_why(client, everywhere):
    response = client.get("/suppliers.csv?near=PR9+9ZZ")
    assert response.status_code == 400
    assert "We cannot find PR9 9ZZ" in response.content.decode()


# Privacy and cost -------------------------------------------------------------------------


def test_nothing_private_is_in_a_result_or_the_download(client, everywhere):
    north = Pledge.objects.get(name="North")
    private = [
        north.email, north.contact_name, north.contact_role, north.postcode,
        north.postcode.replace(" ", ""), north.charity_number, str(north.easting),
        str(north.northing), "442700",
    ]  # fmt: skip
    for url in ("/suppliers/?near=PR1+1AA", "/suppliers.csv?near=PR1+1AA", "/suppliers/?q=north"):
        body = client.get(url).content.decode()
        assert "North" in body
        for value in private:
            assert value not in body, (url, value)


@pytest.mark.parametrize("query", ["", "near=PR1+1AA&within=50", "q=catering&sells=public"])
def test_queries_per_page_do_not_grow_with_the_results(client, grid, query):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/suppliers/?{query}&n={Pledge.objects.count()}").status_code == 200
        return len(context)

    for n in range(3):
        supplier(f"Few {n}", categories=["55000000"], sells_to_public=True)
    few = count()
    for n in range(30):
        supplier(f"Many {n}", categories=["55000000", "15000000"], sells_to_public=True)
    assert count() == few


def test_the_links_for_suppliers_are_kept_by_staff_and_shown(client, grid):
    from pledges.models import BuyingLink

    html = page(client, "").content.decode()
    assert 'href="https://www.the-chest.org.uk/"' in html
    BuyingLink.objects.create(title="Blue Light tenders", url="https://bluelight.example/")
    assert "Blue Light tenders" in page(client, "").content.decode()  # the page renewed


def test_moderators_keep_the_links_in_the_admin(mod_client, client, grid):
    from pledges.models import BuyingLink

    listing = mod_client.get("/admin/pledges/buyinglink/").content.decode()
    assert "The Chest" in listing
    response = mod_client.post(
        "/admin/pledges/buyinglink/add/",
        {"title": "Blue Light tenders", "url": "bluelight.example/tenders", "position": 0},
    )
    assert response.status_code == 302
    link = BuyingLink.objects.get(title="Blue Light tenders")
    assert link.url == "https://bluelight.example/tenders"
    html = page(client, "").content.decode()
    assert html.index("Blue Light tenders") < html.index("The Chest")
    refused = mod_client.post(
        "/admin/pledges/buyinglink/add/",
        {"title": "Bad", "url": "javascript:alert(1)", "position": 1},
    )
    assert refused.status_code == 200 and not BuyingLink.objects.filter(title="Bad").exists()


def test_search_engines_index_the_category_pages_not_every_search(client, everywhere):
    assert "X-Robots-Tag" not in client.get("/suppliers/")
    assert "X-Robots-Tag" not in client.get("/suppliers/category/55000000/")
    assert client.get("/suppliers/?q=bread")["X-Robots-Tag"] == "noindex"
    assert client.get("/suppliers/?near=PR1+1AA")["X-Robots-Tag"] == "noindex"
