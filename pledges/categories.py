"""What a signatory supplies: the divisions of the Common Procurement Vocabulary (CPV 2008).

They are the codes UK public buyers classify their contracts by on Find a Tender and
Contracts Finder, so a supplier described by them is found by the same words a tender
uses. Each has the division's code, its official title, a short plain-English label (what
the forms, the pages and the open data show) and the other words a buyer might search for
it by. One table: the model's rule, the forms, the supplier search and its pages read it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str  # the division's CPV code, without its check digit: "55000000"
    label: str  # plain English: "Hotels, catering and hospitality"
    title: str  # the CPV's own title
    words: str = ""  # more words a buyer may search for it by

    @property
    def division(self):
        return self.code[:2]

    @property
    def terms(self):
        """The words a search word is matched against, in lower case."""
        text = f"{self.label} {self.title} {self.words}".lower()
        return frozenset("".join(c if c.isalnum() else " " for c in text).split())

    def get_absolute_url(self):
        return f"/suppliers/category/{self.code}/"


# fmt: off
CATEGORIES = (
    Category("03000000", "Farm produce, forestry and fishing",
             "Agricultural, farming, fishing, forestry and related products",
             "farmer farmers vegetables fruit livestock timber fish hay straw"),
    Category("09000000", "Fuel and energy", "Petroleum products, fuel, electricity and other "
             "sources of energy", "petrol diesel oil gas electricity solar fuel cards"),
    Category("14000000", "Mining, metals and minerals", "Mining, basic metals and related "
             "products", "stone sand gravel steel quarry"),
    Category("15000000", "Food and drink", "Food, beverages, tobacco and related products",
             "bakery bakers bread cakes dairy milk meat butcher brewery beer coffee tea "
             "groceries sandwiches"),
    Category("16000000", "Farm machinery", "Agricultural machinery", "tractors mowers"),
    Category("18000000", "Clothing, uniforms and footwear", "Clothing, footwear, luggage "
             "articles and accessories", "uniform uniforms workwear boots bags embroidery"),
    Category("19000000", "Leather, textiles, plastics and rubber", "Leather and textile "
             "fabrics, plastic and rubber materials", "fabric cloth plastic"),
    Category("22000000", "Printed matter", "Printed matter and related products",
             "printing printers print leaflets books stationery forms"),
    Category("24000000", "Chemicals", "Chemical products", "fertiliser gases paints"),
    Category("30000000", "Office equipment and computers", "Office and computing machinery, "
             "equipment and supplies except furniture and software packages",
             "laptops printers toner stationery computers hardware"),
    Category("31000000", "Electrical equipment and lighting", "Electrical machinery, "
             "apparatus, equipment and consumables; lighting",
             "electrical electrician lights lighting cables batteries generators"),
    Category("32000000", "Radio, telecoms and audio-visual equipment", "Radio, television, "
             "communication, telecommunication and related equipment",
             "radios phones cameras cctv audio visual"),
    Category("33000000", "Medical equipment, medicines and personal care", "Medical "
             "equipments, pharmaceuticals and personal care products",
             "medical first aid pharmacy medicines ppe toiletries"),
    Category("34000000", "Vehicles and transport equipment", "Transport equipment and "
             "auxiliary products to transportation",
             "vehicles cars vans motorbikes bicycles bikes tyres parts"),
    Category("35000000", "Security, fire, police and defence equipment", "Security, "
             "fire-fighting, police and defence equipment",
             "security equipment fire extinguishers body armour protective"),
    Category("37000000", "Musical instruments, sport, toys and art materials", "Musical "
             "instruments, sport goods, games, toys, handicraft, art materials and accessories",
             "sports equipment gym games crafts"),
    Category("38000000", "Laboratory and precision instruments", "Laboratory, optical and "
             "precision equipments (excl. glasses)", "laboratory scientific measuring"),
    Category("39000000", "Furniture, furnishings and cleaning products", "Furniture (incl. "
             "office furniture), furnishings, domestic appliances (excl. lighting) and "
             "cleaning products", "furniture desks chairs carpets curtains kitchens"),
    Category("41000000", "Water supply", "Collected and purified water", "water"),
    Category("42000000", "Industrial machinery", "Industrial machinery",
             "machinery machines pumps lifting tools"),
    Category("43000000", "Construction and mining machinery", "Machinery for mining, "
             "quarrying, construction equipment", "plant hire diggers"),
    Category("44000000", "Building materials", "Construction structures and materials; "
             "auxiliary products to construction (except electric apparatus)",
             "timber bricks joinery doors windows fencing locks"),
    Category("45000000", "Construction work", "Construction work",
             "builders building construction roofing roofers plumbing plumbers joiners "
             "joinery decorators decorating refurbishment groundworks"),
    Category("48000000", "Software", "Software package and information systems",
             "software apps licences systems"),
    Category("50000000", "Repair and maintenance", "Repair and maintenance services",
             "repairs mechanics garage servicing maintenance"),
    Category("51000000", "Installation", "Installation services (except software)",
             "installers installing fitting"),
    Category("55000000", "Hotels, catering and hospitality", "Hotel, restaurant and retail "
             "trade services", "catering caterer caterers buffets buffet meals restaurant "
             "cafe cafes café accommodation venue venues events canteen"),
    Category("60000000", "Transport services", "Transport services (excl. Waste transport)",
             "taxis taxi coaches coach buses removals couriers delivery haulage"),
    Category("63000000", "Logistics and travel", "Supporting and auxiliary transport services; "
             "travel agencies services", "logistics storage warehousing parking travel"),
    Category("64000000", "Post and telecoms services", "Postal and telecommunications services",
             "courier post broadband internet phone lines"),
    Category("65000000", "Utilities", "Public utilities", "gas electricity water supply"),
    Category("66000000", "Finance and insurance", "Financial and insurance services",
             "banking insurance insurers pensions accountancy"),
    Category("70000000", "Property services", "Real estate services",
             "property estate agents letting lettings"),
    Category("71000000", "Architecture, engineering and surveying", "Architectural, "
             "construction, engineering and inspection services",
             "architects engineers engineering surveyors surveying inspection testing"),
    Category("72000000", "IT services", "IT services: consulting, software development, "
             "Internet and support", "it digital web websites developers hosting support "
             "cyber computer"),
    Category("73000000", "Research and development", "Research and development services and "
             "related consultancy services", "research"),
    Category("75000000", "Public administration services", "Administration, defence and "
             "social security services", "public services"),
    Category("76000000", "Oil and gas industry services", "Services related to the oil and "
             "gas industry", "drilling"),
    Category("77000000", "Gardening, farming and forestry services", "Agricultural, "
             "forestry, horticultural, aquacultural and apiculture services",
             "gardeners gardening grounds maintenance landscaping tree surgeons horticulture"),
    Category("79000000", "Business services", "Business services: law, marketing, "
             "consulting, recruitment, printing and security",
             "legal solicitors lawyers accountants accounting marketing design consultancy "
             "consultants recruitment translation security guards printing events"),
    Category("80000000", "Education and training", "Education and training services",
             "training courses teaching tutors coaching apprenticeships"),
    Category("85000000", "Health and social care", "Health and social work services",
             "health care carers nursing counselling wellbeing social work"),
    Category("90000000", "Waste, cleaning and environmental services", "Sewage, refuse, "
             "cleaning and environmental services",
             "cleaners cleaning waste recycling refuse pest control environmental"),
    Category("92000000", "Recreation, culture and sport", "Recreational, cultural and sporting "
             "services", "arts theatre music sport leisure museums entertainment"),
    Category("98000000", "Other community and personal services", "Other community, social "
             "and personal services", "laundry hairdressing funeral charity community"),
)
# fmt: on
CATEGORY = {category.code: category for category in CATEGORIES}
CHOICES = [(category.code, category.label) for category in CATEGORIES]
# How many an organisation may choose: enough to describe it, few enough to mean something.
MOST = 5


def matching(word):
    """The codes of the categories a search word finds: the start of a word of its label,
    its title or its other words ("cater" finds hotels, catering and hospitality). The
    start only, so that "it" finds IT services, not every word with "it" inside it."""
    word = word.lower()
    return [
        category.code
        for category in CATEGORIES
        if any(term.startswith(word) for term in category.terms)
    ]


def labels(codes):
    return [CATEGORY[code].label for code in codes if code in CATEGORY]
