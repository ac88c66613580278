"""A horizontal bar chart drawn as SVG on the server, so it needs no JavaScript.

Bars are sized in percentages of the chart's width and the text in pixels, so
the labels stay readable from a 320px phone to a desktop. SVG text does not
wrap, so long labels are broken into lines here.
"""

import textwrap
from dataclasses import dataclass

LINE_HEIGHT = 18
LABEL_WIDTH = 26  # characters of bold 14px text that fit a 320px phone
BAR_GAP = 6
BAR_HEIGHT = 28
ROW_GAP = 16
# Past this share of the width the value is written inside the bar, not after it.
INSIDE_FROM = 70


@dataclass(frozen=True)
class Bar:
    item: object
    label_lines: list[tuple[str, int]]
    bar_y: int
    value_y: int
    width: float
    value_inside: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int


def bar_chart(items, label=lambda item: item.label, value=lambda item: item.amount):
    items = list(items)
    top = max((value(item) for item in items), default=0)
    bars = []
    y = 0
    for item in items:
        lines = textwrap.wrap(label(item), LABEL_WIDTH) or [""]
        label_lines = [(text, y + LINE_HEIGHT * (n + 1) - 4) for n, text in enumerate(lines)]
        bar_y = y + LINE_HEIGHT * len(lines) + BAR_GAP
        # A zero figure still gets a sliver, so that its row does not look missing.
        width = max(float(value(item) / top * 100), 0.5) if top else 0.5
        bars.append(
            Bar(
                item=item,
                label_lines=label_lines,
                bar_y=bar_y,
                value_y=bar_y + 19,
                width=round(width, 2),
                value_inside=width >= INSIDE_FROM,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return BarChart(bars=bars, height=max(y - ROW_GAP + 4, 0))


# A column chart of twelve months, drawn in its own coordinates and scaled to the width:
# the same figures are in a table beside it, so its labels can be brief.
MONTH_WIDTH = 30
PLOT_HEIGHT = 160
AXIS = 40  # room under the columns for the month and year


@dataclass(frozen=True)
class Column:
    month: object
    total: object
    local: object
    x: int
    y: int  # top of the whole column
    height: int
    local_y: int
    local_height: int


@dataclass(frozen=True)
class MonthlyChart:
    columns: list[Column]
    width: int
    height: int
    baseline: int


def monthly(by_month):
    """Columns for (month, total, with Lancashire suppliers), the local part at the foot.

    A month whose credit notes outweigh its payments is drawn as nothing, not below the
    axis: its figure is in the table.
    """
    top = max((total for _, total, _ in by_month), default=0)
    columns = []
    for n, (month, total, local) in enumerate(by_month):
        height = round(max(total, 0) / top * PLOT_HEIGHT) if top > 0 else 0
        local_height = round(max(min(local, total), 0) / top * PLOT_HEIGHT) if top > 0 else 0
        columns.append(
            Column(
                month=month,
                total=total,
                local=local,
                x=n * MONTH_WIDTH + 3,
                y=PLOT_HEIGHT - height,
                height=height,
                local_y=PLOT_HEIGHT - local_height,
                local_height=local_height,
            )
        )
    return MonthlyChart(columns, len(by_month) * MONTH_WIDTH, PLOT_HEIGHT + AXIS, PLOT_HEIGHT)
