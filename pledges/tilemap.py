"""Lancashire's fourteen council areas as a tile map: one square each, roughly in place."""

from dataclasses import dataclass

from pledges.models import District

TILE = 100
GAP = 6
# (column, row, short label) laid out as the districts sit, north at the top.
LAYOUT = {
    District.LANCASTER: (2, 0, "LAN"),
    District.WYRE: (1, 1, "WYR"),
    District.RIBBLE_VALLEY: (3, 1, "RIB"),
    District.PENDLE: (4, 1, "PEN"),
    District.BLACKPOOL: (0, 2, "BPL"),
    District.FYLDE: (1, 2, "FYL"),
    District.PRESTON: (2, 2, "PRE"),
    District.HYNDBURN: (3, 2, "HYN"),
    District.BURNLEY: (4, 2, "BUR"),
    District.WEST_LANCASHIRE: (1, 3, "WLA"),
    District.SOUTH_RIBBLE: (2, 3, "SRI"),
    District.BLACKBURN_WITH_DARWEN: (3, 3, "BWD"),
    District.ROSSENDALE: (4, 3, "ROS"),
    District.CHORLEY: (2, 4, "CHO"),
}
SHADES = 5


@dataclass(frozen=True)
class Tile:
    district: District
    short: str
    count: int
    x: int
    y: int
    shade: int


def tiles(counts):
    """Tiles shaded in five steps from none to the busiest district."""
    top = max((counts.get(d, 0) for d in LAYOUT), default=0)
    result = []
    for district, (column, row, short) in LAYOUT.items():
        count = counts.get(district, 0)
        shade = 0 if not count else 1 + min(SHADES - 2, (count * (SHADES - 1) - 1) // top)
        result.append(
            Tile(district, short, count, column * (TILE + GAP), row * (TILE + GAP), shade)
        )
    return result


WIDTH = 5 * TILE + 4 * GAP
HEIGHT = 5 * TILE + 4 * GAP
