"""Create N realistic approved demo signatories, in bulk, for demos and benchmarks.

Names, districts, sectors, sizes and commitments vary; contact details are
plainly fake (example.invalid addresses). `--delete` removes them again.
"""

import itertools
import random
from collections import Counter
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from backing_lancashire import postcodes
from backing_lancashire.models import Postcode
from impact.seed import seed_returns
from pledges import checkins
from pledges.models import (
    SELLS_TO,
    District,
    OrganisationType,
    Pledge,
    PledgeEvent,
    Sector,
    Size,
)
from pledges.themes import COMMITMENT_FIELDS

DEMO_DOMAIN = "example.invalid"
BATCH = 2000

PLACES = [
    "Pendle", "Ribble", "Bowland", "Fylde Coast", "Red Rose", "Lune Valley", "Rossendale",
    "Wyre", "Calder", "Darwen", "Hodder", "Pennine", "Morecambe Bay", "Silverdale",
    "Longridge", "Clitheroe", "Garstang", "Ormskirk", "Leyland", "Chorley", "Accrington",
    "Colne", "Burnley", "Lytham", "Fleetwood", "Carnforth", "Bacup", "Haslingden",
]  # fmt: skip
# Each trade: its sector, the CPV divisions it supplies, and a line on what it supplies.
TRADES = [
    ("Bakery", "hospitality", ["15000000", "55000000"],
     "Bread, cakes and sandwich platters, delivered to offices and events"),
    ("Engineering", "manufacturing", ["42000000", "50000000"],
     "Precision engineering, machine parts and repairs"),
    ("Joinery", "construction", ["44000000", "45000000"],
     "Doors, windows, fitted furniture and shopfitting"),
    ("Builders", "construction", ["45000000"], "Building work, extensions and refurbishment"),
    ("Print Works", "manufacturing", ["22000000", "79000000"],
     "Printing of leaflets, reports, signs and banners"),
    ("Dairy", "agriculture", ["15000000", "03000000"], "Milk, cream and cheese from our own herd"),
    ("Coffee House", "hospitality", ["55000000", "15000000"],
     "Catering for meetings and events: coffee, lunches and cakes"),
    ("Catering", "hospitality", ["55000000"],
     "Event and staff catering, buffets and hot meals across the county"),
    ("Solicitors", "professional", ["79000000"], "Legal advice for businesses and charities"),
    ("Accountants", "finance", ["79000000", "66000000"], "Accounts, payroll and tax returns"),
    ("Digital", "information", ["72000000", "48000000"],
     "Websites, software and IT support"),
    ("Care Services", "health", ["85000000"], "Home care and supported living"),
    ("Logistics", "transport", ["60000000", "63000000"],
     "Same-day delivery, storage and distribution"),
    ("Garden Centre", "wholesale-and-retail", ["03000000", "77000000"],
     "Plants, compost and grounds maintenance"),
    ("Textiles", "manufacturing", ["18000000", "19000000"],
     "Workwear, uniforms and embroidery"),
    ("Recycling", "water-and-waste", ["90000000"], "Waste collection and recycling for offices"),
    ("Energy Co-op", "energy", ["09000000", "65000000"], "Community solar power and heat"),
    ("Theatre", "arts", ["92000000"], "Performances, workshops and venue hire"),
    ("Academy", "education", ["80000000"], "Training courses and apprenticeships"),
    ("Housing Trust", "real-estate", ["70000000"], "Affordable homes and property management"),
    ("Food Bank", "other-services", ["98000000"], ""),
    ("Cleaning", "administrative", ["90000000", "39000000"],
     "Office and window cleaning, and cleaning supplies"),
    ("Brewery", "manufacturing", ["15000000"], "Cask and bottled ales for pubs and events"),
    ("Farm Shop", "agriculture", ["15000000", "03000000"], "Local meat, vegetables and hampers"),
    ("Electrical", "construction", ["31000000", "45000000", "51000000"],
     "Electrical installation, testing and lighting"),
    ("Security", "administrative", ["79000000", "35000000"],
     "Security guards, alarms and CCTV"),
]  # fmt: skip
ENDINGS = ["Ltd", "Limited", "CIC", "& Sons", "Co-operative", "Group", "Partnership", ""]
KIND_BY_ENDING = {"CIC": "social-enterprise", "Co-operative": "social-enterprise"}
STATEMENTS = [
    "We buy from Lancashire suppliers wherever we can.",
    "Our apprentices are the future of our business.",
    "Every member of our team is paid at least the real Living Wage.",
    "We give staff two volunteering days a year.",
    "We have cut our energy use by a third since 2020.",
    "",
]
# Enum lists built once: rebuilding them per row costs more than the rest of the row.
DISTRICTS = list(District.values)
DISTRICT_WEIGHTS = [2 if d in ("north-west", "outside-north-west") else 6 for d in DISTRICTS]
SIZES = list(Size.values)
KINDS = [OrganisationType.BUSINESS] * 6 + list(OrganisationType.values)
SECTORS = set(Sector.values)


def demo_pledges(start, rng, now, located=None):
    """Varied approved pledges, without end, numbered from `start` so names never clash.

    `located` gives real postcodes in each district (from the postcode directory, when it
    is loaded), so that each pledge is somewhere in its district for the supplier search.
    """
    located = located or {}
    for n in itertools.count(start):
        place, (trade, sector, supplied, supplies) = rng.choice(PLACES), rng.choice(TRADES)
        ending = rng.choice(ENDINGS)
        name = " ".join(filter(None, [place, trade, ending, f"No. {n}"]))
        slug = slugify(name)
        commitments = rng.sample(COMMITMENT_FIELDS, rng.randint(1, 5))
        district = rng.choices(DISTRICTS, weights=DISTRICT_WEIGHTS)[0]
        postcode, centre = rng.choice(located.get(district) or [("PR1 2AB", (None, None))])
        describes = rng.random() < 0.8  # most say what they supply, some not yet
        sells = [rng.random() < chance for chance in (0.6, 0.7, 0.4)]
        signed = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
        pledge = Pledge(
            name=name,
            slug=f"{slug}-demo",
            organisation_type=KIND_BY_ENDING.get(ending) or rng.choice(KINDS),
            sector=sector if sector in SECTORS else Sector.OTHER_SERVICES,
            size=rng.choices(SIZES, weights=[50, 30, 15, 5])[0],
            district=district,
            statement=rng.choice(STATEMENTS),
            website=f"https://{slug}.{DEMO_DOMAIN}" if rng.random() < 0.6 else "",
            **{field: field in commitments for field in COMMITMENT_FIELDS},
            categories=supplied if describes else [],
            supplies=supplies if describes else "",
            **dict(zip(SELLS_TO.values(), sells if describes else [False] * 3, strict=True)),
            living_wage_accredited="commits_living_wage" in commitments and rng.random() < 0.3,
            contact_name="Demo Contact",
            contact_role="Demo",
            email=f"demo{n}@{DEMO_DOMAIN}",
            postcode=postcode,
            easting=centre[0],
            northing=centre[1],
            authorised=True,
            agreed_to_listing=True,
            privacy_notice_version="demo",
            consented_at=signed,
            status=Pledge.Status.APPROVED,
            submitted_at=signed,
            verified_at=signed,
            approved_at=min(now, signed + timedelta(days=rng.randint(0, 5))),
        )
        checked_in(pledge, rng, now)
        # The model's own rules, as every form keeps them. Uniqueness is left to the
        # database: each name carries a number no earlier pledge has.
        pledge.full_clean(validate_unique=False, validate_constraints=False)
        yield pledge


# Real postcodes to place demo signatories at, for each district.
PLACES_PER_DISTRICT = 400


def located_postcodes(rng):
    """{district: [(postcode, centre)]}: real postcodes of each district, with the centre
    each is placed at (pledges.models.locate), from the postcode directory; {} when it is
    not loaded. Elsewhere in the North West and outside it are a few places: Wigan,
    Manchester, Kendal, and Westminster."""
    if not Postcode.objects.exists():
        return {}
    others = {
        "E08000010": District.NORTH_WEST,  # Wigan
        "E08000003": District.NORTH_WEST,  # Manchester
        "E06000064": District.NORTH_WEST,  # Westmorland and Furness
        "E09000033": District.OUTSIDE,  # Westminster
    }
    found, centres = {}, {}
    for council, district in {**postcodes.LANCASHIRE, **others}.items():
        rows = Postcode.objects.filter(council=council, easting__isnull=False).order_by("code")
        codes = list(rows.values_list("code", flat=True))
        for code in rng.sample(codes, min(len(codes), PLACES_PER_DISTRICT)):
            place = postcodes.find(code)
            if place is None:  # in the directory, but not of a shape anyone could sign with
                continue
            sector = place.postcode[:-2]
            if sector not in centres:
                centres[sector] = postcodes.centre(place)
            if centres[sector]:
                found.setdefault(district, []).append((place.postcode, centres[sector]))
    return found


def checked_in(pledge, rng, now):
    """Yearly check-ins since approval, as real organisations keep them: most check in
    in the month before their year is up; some stop, and are due or have lapsed."""
    affirmed = pledge.approved_at
    pledge.check_ins = []
    while checkins.due_on(affirmed) <= now and rng.random() < 0.85:
        affirmed = checkins.due_on(affirmed) - timedelta(days=rng.randint(0, 30))
        pledge.check_ins.append(affirmed)
    pledge.affirmed_at = affirmed
    since = now - affirmed
    for number, after in ((1, checkins.FIRST_REMINDER), (2, checkins.SECOND_REMINDER)):
        if since >= after:
            pledge.checkin_reminders, pledge.reminded_at = number, affirmed + after
    lapses = checkins.lapses_on(affirmed, pledge.reminded_at)
    if pledge.reminded_at and now >= lapses:
        pledge.status, pledge.lapsed_at = Pledge.Status.LAPSED, lapses


def history(pledges):
    """Each demo pledge's steps, as its own transitions would have recorded them, so that
    its public history tells the same story as its dates."""
    Action, Status = PledgeEvent.Action, Pledge.Status  # noqa: N806 - the model's names
    for pledge in pledges:
        yield PledgeEvent(pledge=pledge, action=Action.SUBMITTED, to_status=Status.UNVERIFIED,
                          at=pledge.submitted_at)  # fmt: skip
        yield PledgeEvent(pledge=pledge, action=Action.APPROVED, from_status=Status.PENDING,
                          to_status=Status.APPROVED, at=pledge.approved_at)  # fmt: skip
        for moment in pledge.check_ins:
            yield PledgeEvent(pledge=pledge, action=Action.AFFIRMED, from_status=Status.APPROVED,
                              to_status=Status.APPROVED, at=moment)  # fmt: skip
        if pledge.lapsed_at:
            yield PledgeEvent(pledge=pledge, action=Action.LAPSED, from_status=Status.APPROVED,
                              to_status=Status.LAPSED, at=pledge.lapsed_at)  # fmt: skip


class Command(BaseCommand):
    help = "Create N approved demo signatories (fake contact details), or --delete them."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, nargs="?", default=0)
        parser.add_argument("--seed", type=int, default=2017, help="Random seed (repeatable).")
        parser.add_argument("--delete", action="store_true", help="Remove all demo signatories.")

    def handle(self, *args, count, seed, delete, **options):
        demo = Pledge.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        if delete:
            deleted, _ = demo.delete()
            self.stdout.write(f"Deleted {deleted} demo records.")
            return
        if count < 1:
            self.stderr.write("Say how many: seed_signatories 500")
            return
        rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        # Numbers above every id so far: names and slugs can never repeat an earlier run's.
        start = (Pledge.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        now = timezone.now()
        made = demo_pledges(start, rng, now, located_postcodes(rng))
        standings = Counter()
        # `count` on the wall, and beside them those that have lapsed since, as real ones do.
        with tqdm(total=count, unit="signatories", disable=options["verbosity"] < 1) as bar:
            while standings["current"] + standings["due"] < count:
                batch = []
                while len(batch) < BATCH and standings["current"] + standings["due"] < count:
                    batch.append(pledge := next(made))
                    standings[checkins.standing(pledge, now)] += 1
                with transaction.atomic():
                    Pledge.objects.bulk_create(batch, batch_size=BATCH)
                    PledgeEvent.objects.bulk_create(history(batch), batch_size=BATCH * 4)
                bar.update(sum(pledge.status == Pledge.Status.APPROVED for pledge in batch))
        # Fresh statistics for the planner, and the visibility map set, as autovacuum
        # would leave them: until then the wall's searches are planned for an empty table
        # (at 100,000 rows one took minutes, not ms), and every index-only scan reads each
        # row from the table too (a common word took 115 ms instead of 43). VACUUM cannot
        # run inside a transaction (a test's): there, statistics only.
        if connection.vendor == "postgresql":
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f"{vacuum} {Pledge._meta.db_table}")
        seed_returns(demo.filter(pk__gte=start), rng)
        self.stdout.write(
            f"Created {count} approved demo signatories ({standings['current']} current, "
            f"{standings['due']} with a check-in due) and {standings['lapsed']} lapsed."
        )
