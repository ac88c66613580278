"""What the public sees in aggregate, cached until a pledge changes.

The cache key carries the public version (backing_lancashire.freshness), so any
change is seen at once. A short lifetime is a safety net for several app servers without
a shared cache (use Redis there).
"""

from django.db.models import Count, Q

from backing_lancashire.freshness import remembered
from pledges.models import District, OrganisationType, Pledge, Size
from pledges.themes import THEMES

LIFETIME = 300


def impact():
    """Counts for the impact figures and the map, in two queries, cached."""
    return remembered("pledges:impact", _count, LIFETIME)


def _count():
    public = Pledge.objects.public()
    totals = public.aggregate(
        total=Count("pk"),
        **{theme.slug: Count("pk", filter=Q(**{theme.field: True})) for theme in THEMES},
    )
    rows = public.values_list("district", "size", "organisation_type").annotate(n=Count("pk"))
    by = {"district": {}, "size": {}, "organisation_type": {}}
    for district, size, kind, n in rows:
        by["district"][district] = by["district"].get(district, 0) + n
        by["size"][size] = by["size"].get(size, 0) + n
        by["organisation_type"][kind] = by["organisation_type"].get(kind, 0) + n
    return {
        "total": totals["total"],
        "commitments": [
            {"slug": theme.slug, "text": theme.commitment, "count": totals[theme.slug]}
            for theme in THEMES
        ],
        "districts": {value: by["district"].get(value, 0) for value in District.values},
        "elsewhere": [
            (district, by["district"].get(district.value, 0))
            for district in (District.NORTH_WEST, District.OUTSIDE)
        ],
        "sizes": [(label, by["size"].get(value, 0)) for value, label in Size.choices],
        "types": [
            (label, by["organisation_type"].get(value, 0))
            for value, label in OrganisationType.choices
        ],
    }
