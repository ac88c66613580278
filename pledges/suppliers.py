"""Finding a supplier: signatories by what they supply and how near they are.

A buyer's search is a query string (so that it can be shared and bookmarked), read by
`SupplierSearch`: words matched against each signatory's name, its description and its
categories; a postcode and a radius; and filters. Near a postcode, the nearest come
first, measured on the National Grid from the centre of each signatory's postcode sector
(postcodes.centre) to the buyer's postcode: no map service, no call elsewhere.
"""

import math
from functools import cached_property, lru_cache

from django import forms
from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, Count, F, FloatField, Func, Q
from django.urls import reverse
from django.utils.text import capfirst

from backing_lancashire import postcodes
from backing_lancashire.freshness import remembered
from pledges import categories as cpv
from pledges.forms import QueryStringForm, RememberedSelect, search_words, spellings
from pledges.models import (
    SELLS_TO,
    SME,
    VCSE,
    District,
    OrganisationType,
    Pledge,
    Size,
    sells_to,
    spaced,
)
from pledges.themes import THEME, THEMES

RADII = [5, 10, 25, 50]  # miles
DEFAULT_RADIUS = 10
NOT_A_POSTCODE = "Enter a full postcode, like PR1 2AB."
NORTHERN_IRELAND = (
    "Our postcode directory has no Northern Ireland postcodes. Enter one in Great Britain, "
    "or search without one."
)
UNKNOWN_POSTCODE = "We cannot find {postcode}. Check the postcode, or search without one."


class Distance(Func):
    """Metres from the signatory's place to a point on the National Grid.

    On PostgreSQL `<->` between points, a hypotenuse as Python's math.hypot is (Nearest
    compares the two); elsewhere the square root of the sum of squares.
    """

    output_field = FloatField()

    def __init__(self, easting, northing):
        super().__init__(F("easting"), F("northing"))
        self.point = (float(easting), float(northing))

    def _columns(self, compiler, connection):
        # Two plain columns: their SQL has no parameters of its own.
        return [compiler.compile(column)[0] for column in self.get_source_expressions()]

    def as_sql(self, compiler, connection, **extra):
        east, north = self._columns(compiler, connection)
        x, y = self.point
        sql = f"SQRT(({east} - %s) * ({east} - %s) + ({north} - %s) * ({north} - %s))"
        return sql, [x, x, y, y]

    def as_postgresql(self, compiler, connection, **extra):
        east, north = self._columns(compiler, connection)
        return f"point({east}, {north}) <-> point(%s, %s)", list(self.point)


class Within(Distance):
    """The signatories within `metres` of the point: inside its bounding box, on the
    grid's index, and then within the circle.

    The box is what lets PostgreSQL estimate how many are within, from each column's
    statistics, and so choose the index that reads fewest rows: a word's trigrams, a
    filter's, or the grid's, or both at once. Asked `<@ circle` instead, it takes any
    circle to hold a thousandth of the table (its geometric operators have fixed
    estimates), and read every signatory in it: all 30,403 within ten miles of Preston,
    to sort the 4,881 that "bak" matched for a page of 20 (124 ms).
    """

    output_field = BooleanField()

    def __init__(self, easting, northing, metres):
        super().__init__(easting, northing)
        self.metres = float(metres)

    def as_sql(self, compiler, connection, **extra):
        east, north = self._columns(compiler, connection)
        (x, y), r = self.point, self.metres
        distance, params = self.distance_sql(compiler, connection)
        # Whole metres, as the columns hold: compared with a fraction, PostgreSQL would
        # turn every easting into a numeric, and use no index of them.
        box = [math.floor(x - r), math.ceil(x + r), math.floor(y - r), math.ceil(y + r)]
        sql = f"({east} BETWEEN %s AND %s AND {north} BETWEEN %s AND %s AND {distance} <= %s)"
        return sql, [*box, *params, r]

    def distance_sql(self, compiler, connection):
        if connection.vendor == "postgresql":
            return Distance.as_postgresql(self, compiler, connection)
        return Distance.as_sql(self, compiler, connection)

    as_postgresql = as_sql


def places():
    """Where the approved signatories are, and how many at each: [(easting, northing,
    count)]. Each is placed at its postcode sector's centre, so a few hundred places hold
    them all; worked out once after each public change (freshness.remembered)."""
    return remembered("pledges:places", _places)


def _places():
    rows = (
        Pledge.objects.public()
        .filter(easting__isnull=False, northing__isnull=False)
        .values_list("easting", "northing")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return list(rows)


class Nearest:
    """A search's matches near a postcode, in the order shown (nearest first, then by
    name), counted to `limit`: what the pages of results read instead of one query.

    The matches are first gathered in no order, by whichever index finds them soonest, to
    one more than `limit`: when that is all of them, they are sorted here and every page
    comes from them. When there are more, the page's are among those at the nearest
    places (places()): read a few places at a time, nearest first, until they hold as many
    matches as the page reaches. Each read takes whole places, and every place as far as
    its last, so that none as near as the page's last is missed; and as many places as the
    matches read so far suggest, so that a few reads are enough whether most signatories
    match or one in a hundred.

    Ordered by distance, name and id, PostgreSQL would instead sort every match in the
    circle (all 97,308 within 50 miles: 250 ms). A walk of a GiST index of the points,
    nearest first, which this had made before, read every signatory on the way, and again
    to be sure of the last one's ties.
    """

    # Two distances as near as this are the same: Python's and the database's square
    # roots of the same sum may differ in their last digit.
    SAME = 1e-6

    def __init__(self, matches, easting, northing, metres, limit):
        self.matches = matches
        self.here = (easting, northing)
        self.metres = metres
        self.limit = limit

    def gather(self, within, count=None):
        """(distance, pk) of the matches `within` (a Q), up to `count`, in no order."""
        pairs = (
            self.matches.filter(within)
            .annotate(distance=Distance(*self.here))
            .values_list("distance", "pk")
            .order_by()
        )
        return self._fetch(pairs if count is None else pairs[:count])

    @cached_property
    def found(self):
        """Up to one more than `limit` of the matches, in no order."""
        return self.gather(Within(*self.here, self.metres), self.limit + 1)

    def count(self):
        return len(self.found)

    def ranked(self, top):
        """The `top` nearest matches' (distance, pk), nearest first, and all those as near
        as the `top`th."""
        if len(self.found) <= self.limit:
            return as_near(sorted(self.found), top)
        # The `top` nearest are no further than the `top`th nearest of those found.
        bound = sorted(self.found)[top - 1][0] + self.SAME
        near = self.nearest_places(bound)
        gathered, read, wanted = [], 0, top
        while len(gathered) < top and near:
            batch, near = self.first(near, wanted)
            gathered += self.gather(self.at(batch))
            read += sum(count for *_, count in batch)
            share = len(gathered) / read
            needed = (top - len(gathered)) / share if share else math.inf
            # The rest of the page may cost fewer rows read from their own indexes: all
            # the matches within the bound (twice over, as those indexes read rows that
            # other filters turn away) rather than every signatory at the next places.
            if len(gathered) < top and 2 * share * sum(p[3] for p in near) < needed:
                break
            wanted = needed * 1.2
        ranked = as_near(sorted(gathered), top)
        # Short of the page (it is read another way), or a match at a place since listed,
        # which the cached list does not have yet: every match within the bound.
        if len(ranked) < top or self.missed(gathered, ranked[-1][0]):
            return as_near(sorted(self.gather(Within(*self.here, bound))), top)
        return ranked

    def missed(self, gathered, last):
        """Whether any match found as near as `last` is not among those `gathered`."""
        have = {pk for _, pk in gathered}
        return any(pk not in have for distance, pk in self.found if distance <= last)

    def nearest_places(self, bound):
        """(distance, easting, northing, count) of the places of signatories within
        `bound`, nearest first."""
        x, y = self.here
        near = sorted(
            (math.hypot(easting - x, northing - y), easting, northing, count)
            for easting, northing, count in places()
        )
        return [place for place in near if place[0] <= bound]

    def first(self, near, wanted):
        """The first of the places `near` that hold `wanted` signatories (at least one
        place, and every other place as far as its last), and the rest."""
        stop, holding = 0, 0
        while stop < len(near) and (
            holding < wanted or near[stop][0] - near[stop - 1][0] <= self.SAME
        ):
            holding += near[stop][3]
            stop += 1
        return near[:stop], near[stop:]

    @staticmethod
    def at(batch):
        at = Q()
        for _, easting, northing, _ in batch:
            at |= Q(easting=easting, northing=northing)
        return at

    @staticmethod
    def _fetch(pairs):
        """The rows as the database sends them: the ORM converts each value on its way,
        a millisecond or two for the thousand rows of a count."""
        sql, params = pairs.query.sql_with_params()
        with connections[pairs.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def __getitem__(self, page):
        """The results of a slice, each with its `distance`, public fields only: those at
        the slice's distances, read in the order shown (nearest first, then by name)."""
        stop = self.limit if page.stop is None else min(page.stop, self.limit)
        ranked = self.ranked(stop)
        start = page.start or 0
        if start >= min(stop, len(ranked)):
            return []
        first, last = ranked[start][0], ranked[min(stop, len(ranked)) - 1][0]
        before = sum(1 for distance, _ in ranked if distance < first)
        shown = [pk for distance, pk in ranked if first <= distance <= last]
        pledges = (
            Pledge.objects.for_public_display()
            .filter(pk__in=shown)
            .annotate(distance=Distance(*self.here))
            .order_by("distance", "name", "pk")
        )
        # Withdrawn since it was counted: the page is one short rather than wrong.
        return list(pledges[start - before : stop - before])


def as_near(ranked, top):
    """The first `top` of `ranked` (distance, pk), and any after them as near."""
    if len(ranked) <= top:
        return ranked
    last = ranked[top - 1][0]
    return [pair for pair in ranked if pair[0] <= last]


def whole_miles(metres):
    """A distance to the nearest mile (a half rounded down): as near as a place that is a
    postcode sector's centre lets anyone say. The page and the download give this."""
    return math.ceil(metres / postcodes.MILE - 0.5)


def reach(within):
    """How far, in metres, a search "within" so many miles reaches: to whatever is shown
    as that many miles or fewer, so that "10 miles away" is within 10 miles."""
    return (within + 0.5) * postcodes.MILE


def miles(metres):
    """A distance in words, as the results give it."""
    if metres is None:
        return ""
    rounded = whole_miles(metres)
    if rounded < 1:
        return "less than a mile"
    return f"{rounded} mile{'s' if rounded != 1 else ''}"


def category_matches(word):
    """Signatories with this word in their name or description, or in a category they
    supply: "catering" finds the caterers who never wrote the word. None for a word with
    nothing to look for.

    The word is read as the column is kept (each mark a space: "(bakery)" and "bakery."
    are "bakery"), with its other spelling and its singular ("electricians" finds the
    category of electricians as "electrician" does). A form of a letter or less is left
    out, as a lone letter is left out of a search (forms.search_words): "J." would find
    nearly everyone.

    The categories are tested first: PostgreSQL tests each row the indexes find in the
    order written, and stops at the first that holds (a lookup in a short list, before
    any test of the text).
    """
    plain = " ".join(spaced(word.lower()).split())
    forms = {form for form in spellings(plain) if len(form.replace(" ", "")) > 1}
    if not forms:
        return None
    codes = sorted({code for form in forms for code in categories_of(form)})
    text = word_starts(forms)
    return Q(categories__includes=codes) | text if codes else text


def word_starts(forms):
    """Signatories with a word of their name or description starting with one of these
    forms of a word (lower-case, each mark a space): "it" finds "IT support", not
    "Limited".

    Tested on `Pledge.words`, which the database keeps: the two upper-cased in one, each
    mark a space (models.MARKS), so that a word starts after a space, and one plain LIKE
    finds it. Each word had been two regular expressions, of UPPER(name) and
    UPPER(supplies), 3.5 microseconds a row, to this LIKE's 0.2; and PostgreSQL estimates
    a LIKE from the column's statistics, where it had guessed. A form that another begins
    needs no test of its own: whatever has a word starting "builders" has one starting
    "builder".
    """
    upper = {form.upper() for form in forms}
    needed = [
        form for form in sorted(upper) if not any(form.startswith(o) for o in upper if o != form)
    ]
    return Q(*[Q(words__contains=f" {form}") for form in needed], _connector=Q.OR)


@lru_cache(maxsize=1024)
def categories_of(word):
    """The codes of the categories a search word finds, remembered: finding them reads
    the words of every category, about a millisecond a search word."""
    return tuple(cpv.matching(word))


class SupplierSearch(QueryStringForm):
    """The supplier search's query string. A choice the page does not offer is left out,
    as the wall does; a postcode that cannot be used is said so, beside its box."""

    q = forms.CharField(
        label="What do you need?",
        required=False,
        max_length=100,
        help_text="For example: catering, printing, electrician.",
    )
    near = forms.CharField(
        label="Near the postcode",
        required=False,
        max_length=postcodes.LONGEST,
        help_text="Your own, or where the work is.",
    )
    within = forms.TypedChoiceField(
        widget=RememberedSelect,
        label="Within",
        required=False,
        coerce=int,
        choices=[(radius, f"{radius} miles") for radius in RADII],
    )
    category = forms.ChoiceField(
        widget=RememberedSelect,
        label="Category",
        required=False,
        choices=[("", "All categories"), *[(c.code, c.label) for c in cpv.CATEGORIES]],
    )
    district = forms.ChoiceField(
        widget=RememberedSelect,
        label="Council area",
        required=False,
        choices=[("", "All areas"), *District.choices],
    )
    size = forms.ChoiceField(
        widget=RememberedSelect,
        label="Size",
        required=False,
        choices=[("", "Any size"), ("sme", "Small or medium (SME)"), *Size.choices],
    )
    type = forms.ChoiceField(
        widget=RememberedSelect,
        label="Type of organisation",
        required=False,
        choices=[
            ("", "Any type"),
            ("vcse", "Voluntary, community or social enterprise (VCSE)"),
            *OrganisationType.choices,
        ],
    )
    sells = forms.ChoiceField(
        widget=RememberedSelect,
        label="Sells to",
        required=False,
        choices=[
            ("", "Anyone"),
            *[(key, capfirst(sells_to(field))) for key, field in SELLS_TO.items()],
        ],
    )
    commitment = forms.ChoiceField(
        widget=RememberedSelect,
        label="Commits to",
        required=False,
        choices=[("", "Any commitment"), *[(theme.slug, theme.commitment) for theme in THEMES]],
    )
    accredited = forms.BooleanField(
        label="Accredited Living Wage employers only",
        required=False,
    )

    # Always shown; the rest are folded under "More filters".
    MAIN = ["q", "near", "within"]
    FILTERS = ["category", "district", "size", "type", "sells", "commitment", "accredited"]

    def __init__(self, data, *, category=None):
        """`category`, a code, is fixed by a category's own page, which asks no more."""
        super().__init__(self.read(data))
        self.fixed = category
        if category:
            del self.fields["category"]
        self.place = None
        self.is_valid()
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control"
        self.fields["q"].widget.input_type = "search"
        self.fields["near"].widget.attrs.update(autocomplete="postal-code", size=10)
        for name in ("q", "near"):
            field = self[name]
            described = [f"{field.auto_id}_help"]
            if field.errors:
                described.append(f"{field.auto_id}_error")
                field.field.widget.attrs["aria-invalid"] = "true"
            field.field.widget.attrs["aria-describedby"] = " ".join(described)

    TEXT = ["q", "near"]

    # The page lists each group's own fields, rather than testing every field's name
    # in each group: those tests cost more than drawing the fields.
    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def filter_fields(self):
        return [self[name] for name in self.FILTERS if name in self.fields]

    @classmethod
    def read(cls, data):
        # The distance searched, and shown, when a link gives none.
        return {"within": str(DEFAULT_RADIUS), **super().read(data)}

    def clean_near(self):
        text = self.cleaned_data["near"]
        if not text:
            return ""
        written = postcodes.normalise(text)
        if written is None:
            raise forms.ValidationError(NOT_A_POSTCODE, code="invalid")
        if written.startswith("BT"):
            raise forms.ValidationError(NORTHERN_IRELAND, code="northern_ireland")
        place = postcodes.find(written)
        if place is None or place.easting is None or place.northing is None:
            raise forms.ValidationError(UNKNOWN_POSTCODE.format(postcode=written), code="unknown")
        self.place = place
        self.data = {**self.data, "near": written}  # shown again as it is written
        return written

    @property
    def radius(self):
        return self.value("within") or DEFAULT_RADIUS

    @property
    def is_near(self):
        return self.place is not None

    @property
    def far_away(self):
        """The postcode is outside the North West, where few signatories are."""
        return self.is_near and self.place.area == "elsewhere"

    def matches(self, pledges):
        """The approved signatories that match the words and filters, wherever they are,
        in no order. Public fields only."""
        pledges = pledges.for_public_display()
        for word in search_words(self.value("q")):
            if (test := category_matches(word)) is not None:
                pledges = pledges.filter(test)
        if category := self.fixed or self.value("category"):
            pledges = pledges.filter(categories__includes=[category])
        if district := self.value("district"):
            pledges = pledges.filter(district=district)
        if size := self.value("size"):
            sizes = SME if size == "sme" else [size]
            pledges = pledges.filter(size__in=sizes)
        if kind := self.value("type"):
            kinds = VCSE if kind == "vcse" else [kind]
            pledges = pledges.filter(organisation_type__in=kinds)
        if sells := self.value("sells"):
            pledges = pledges.filter(**{SELLS_TO[sells]: True})
        if commitment := self.value("commitment"):
            pledges = pledges.filter(**{THEME[commitment].field: True})
        if self.value("accredited"):
            pledges = pledges.filter(living_wage_accredited=True)
        return pledges

    def found(self, pledges, limit):
        """The approved signatories that match, public fields only, as the pages and the
        download read them, counted to `limit`: near a postcode a Nearest (the nearest
        first, then by name), otherwise in order of name."""
        pledges = self.matches(pledges)
        if not self.is_near:
            return pledges.order_by("name", "pk")
        here = (self.place.easting, self.place.northing)
        return Nearest(pledges, *here, reach(self.radius), limit)

    def query(self, **changes):
        if not self.is_near:
            changes.setdefault("within", "")  # without a postcode, a distance means nothing
        return super().query(**changes)

    def csv_query(self):
        """The download's query string: this search, with a category page's category."""
        return self.query(category=self.fixed or self.value("category"))

    def summary(self):
        """What this search shows, in words."""
        shown = []
        if q := self.value("q"):
            shown.append(("Search", f"“{q}”"))
        if self.is_near:
            shown.append(("Near", f"{self.place.postcode}, within {self.radius} miles"))
        for name in self.FILTERS:
            if name in self.fields and (value := self.value(name)):
                field = self.fields[name]
                if name == "accredited":
                    shown.append(("Living Wage", "accredited employers only"))
                else:
                    shown.append((field.label, dict(field.choices)[value]))
        return shown

    @property
    def has_filters(self):
        return any(self.value(name) for name in self.FILTERS if name in self.fields)

    def is_filtered(self):
        return bool(self.value("q") or self.value("near") or self.has_filters)


ATTRIBUTION = postcodes.ATTRIBUTION


def shown(page, search):
    """Each result of a page with its distance in words, near a postcode."""
    return [
        (pledge, miles(pledge.distance) if search.is_near else "") for pledge in page.object_list
    ]


def csv_table(found, search):
    """(header, rows) of the search's results: what the page shows of each, and nothing
    else (backing_lancashire.spreadsheet makes each cell safe to open)."""
    page = settings.SITE_URL + reverse("pledges:detail", args=["slug"]).removesuffix("slug/")
    header = [
        "name", "url", "website", "distance_miles", "categories", "category_labels",
        "supplies", "sells_to", "sme", "vcse", "living_wage_accredited",
        "organisation_type", "size", "council_area", "commitments",
    ]  # fmt: skip
    yes = {True: "yes", False: "no"}

    def row(pledge):
        distance = whole_miles(pledge.distance) if search.is_near else ""
        return [
            pledge.name,
            f"{page}{pledge.slug}/",
            pledge.website,
            distance,
            " ".join(pledge.categories),
            "; ".join(cpv.labels(pledge.categories)),
            pledge.supplies,
            "; ".join(pledge.sells_to),
            yes[pledge.is_sme],
            yes[pledge.is_vcse],
            yes[pledge.living_wage_accredited],
            pledge.get_organisation_type_display(),
            pledge.get_size_display(),
            pledge.get_district_display(),
            "; ".join(theme.commitment for theme in pledge.themes),
        ]

    return header, (row(pledge) for pledge in found)
