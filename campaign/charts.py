"""A horizontal bar chart drawn as SVG on the server, so it needs no JavaScript.

Bars are sized in percentages of the chart's width and the text in pixels, so
the labels stay readable from a 320px phone to a desktop.
"""

from dataclasses import dataclass

ROW_HEIGHT = 64
BAR_OFFSET = 24
BAR_HEIGHT = 28
# Past this share of the width the value is written inside the bar, not after it.
INSIDE_FROM = 70


@dataclass(frozen=True)
class Bar:
    item: object
    label_y: int
    bar_y: int
    value_y: int
    width: float
    value_inside: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int


def bar_chart(items, value=lambda item: item.amount) -> BarChart:
    items = list(items)
    top = max((value(item) for item in items), default=0)
    bars = []
    for index, item in enumerate(items):
        y = index * ROW_HEIGHT
        # A zero figure still gets a sliver, so that its row does not look missing.
        width = max(float(value(item) / top * 100), 0.5) if top else 0.5
        bars.append(
            Bar(
                item=item,
                label_y=y + 16,
                bar_y=y + BAR_OFFSET,
                value_y=y + BAR_OFFSET + 19,
                width=round(width, 2),
                value_inside=width >= INSIDE_FROM,
            )
        )
    return BarChart(bars=bars, height=len(items) * ROW_HEIGHT + 4)
