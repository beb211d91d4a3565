"""Bar charts as data for server-drawn HTML: each row is its label and value as text (what a screen
reader reads and a clerk copies) beside a bar, an SVG stretched to the row's width so it needs no
inline style and no script, and looks the same at desk and phone widths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    x: float  # percent of the row's track
    width: float  # percent of the row's track
    css_class: str
    value: float
    name: str


@dataclass(frozen=True)
class Row:
    label: str
    segments: tuple[Segment, ...]
    total: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...]
    unit: str

    @property
    def empty(self) -> bool:
        return not self.rows


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | int | None]]],
    *,
    series: Sequence[tuple[str, str]] = (("Số lượng", "s1"),),
    unit: str = "",
    limit: int = 12,
) -> Chart:
    """Horizontal (stacked) bars: `rows` are (label, one value per series); the largest first,
    empty rows left out, at most `limit` rows."""
    cleaned = [(label, [float(v or 0) for v in values]) for label, values in rows]
    cleaned = [r for r in cleaned if sum(r[1]) > 0]
    cleaned.sort(key=lambda r: -sum(r[1]))
    peak = max((sum(v) for _, v in cleaned), default=0) or 1
    drawn = []
    for label, values in cleaned[:limit]:
        x = 0.0
        segments = []
        for (name, css), value in zip(series, values, strict=False):
            width = round(100 * value / peak, 2)
            segments.append(Segment(x, width, css, value, name))
            x += width
        total = sum(values)
        parts = [f"{name} {_n(v)}" for (name, _), v in zip(series, values, strict=False)]
        text = _n(total) + (f" {unit}" if unit else "") if len(series) == 1 else ", ".join(parts)
        drawn.append(Row(label, tuple(segments), total, text))
    return Chart(title=title, rows=tuple(drawn), legend=tuple(series) if len(series) > 1 else (), unit=unit)


def _n(value: float) -> str:
    return f"{int(value):,}".replace(",", ".") if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
