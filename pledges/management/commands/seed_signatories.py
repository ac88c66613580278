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

from impact.seed import seed_returns
from pledges import checkins
from pledges.models import District, OrganisationType, Pledge, PledgeEvent, Sector, Size
from pledges.themes import COMMITMENT_FIELDS

DEMO_DOMAIN = "example.invalid"
BATCH = 2000

PLACES = [
    "Pendle", "Ribble", "Bowland", "Fylde Coast", "Red Rose", "Lune Valley", "Rossendale",
    "Wyre", "Calder", "Darwen", "Hodder", "Pennine", "Morecambe Bay", "Silverdale",
    "Longridge", "Clitheroe", "Garstang", "Ormskirk", "Leyland", "Chorley", "Accrington",
    "Colne", "Burnley", "Lytham", "Fleetwood", "Carnforth", "Bacup", "Haslingden",
]  # fmt: skip
TRADES = [
    ("Bakery", "hospitality"), ("Engineering", "manufacturing"), ("Joinery", "construction"),
    ("Builders", "construction"), ("Print Works", "manufacturing"), ("Dairy", "agriculture"),
    ("Coffee House", "hospitality"), ("Solicitors", "professional"), ("Accountants", "finance"),
    ("Digital", "information"), ("Care Services", "health"), ("Logistics", "transport"),
    ("Garden Centre", "wholesale-and-retail"), ("Textiles", "manufacturing"),
    ("Recycling", "water-and-waste"), ("Energy Co-op", "energy"), ("Theatre", "arts"),
    ("Academy", "education"), ("Housing Trust", "real-estate"), ("Food Bank", "other-services"),
    ("Cleaning", "administrative"), ("Brewery", "manufacturing"), ("Farm Shop", "agriculture"),
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


def demo_pledges(start, rng, now):
    """Varied approved pledges, without end, numbered from `start` so names never clash."""
    for n in itertools.count(start):
        place, (trade, sector) = rng.choice(PLACES), rng.choice(TRADES)
        ending = rng.choice(ENDINGS)
        name = " ".join(filter(None, [place, trade, ending, f"No. {n}"]))
        slug = slugify(name)
        commitments = rng.sample(COMMITMENT_FIELDS, rng.randint(1, 5))
        signed = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
        pledge = Pledge(
            name=name,
            slug=f"{slug}-demo",
            organisation_type=KIND_BY_ENDING.get(ending) or rng.choice(KINDS),
            sector=sector if sector in SECTORS else Sector.OTHER_SERVICES,
            size=rng.choices(SIZES, weights=[50, 30, 15, 5])[0],
            district=rng.choices(DISTRICTS, weights=DISTRICT_WEIGHTS)[0],
            statement=rng.choice(STATEMENTS),
            website=f"https://{slug}.{DEMO_DOMAIN}" if rng.random() < 0.6 else "",
            **{field: field in commitments for field in COMMITMENT_FIELDS},
            contact_name="Demo Contact",
            contact_role="Demo",
            email=f"demo{n}@{DEMO_DOMAIN}",
            postcode="PR1 2AB",
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
        made = demo_pledges(start, rng, now)
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
