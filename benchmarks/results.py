"""What one benchmark run measured: figures with their raw samples, the reference they are
compared with (measured in the same run, round by round), the target and whether it is met.

Absolute numbers drift on a shared 2-core machine; a ratio of two things measured side by side,
round after round, drifts much less. So a figure keeps its rounds paired with its reference's,
and its ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of at least one sample."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Figure:
    item: str
    """The issue's item it answers, e.g. "1 write path"."""
    name: str
    unit: str
    raw: list[float]
    target: str = ""
    """Human-readable target, e.g. "ratio >= 0.5" or "p99 <= 50 ms"."""
    reference_name: str = ""
    reference_raw: list[float] = field(default_factory=list)
    higher_is_better: bool = True
    passed: bool | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.raw)

    @property
    def ratios(self) -> list[float]:
        """Per-round measured ÷ reference (for times: reference ÷ measured, so higher is better)."""
        pairs = zip(self.raw, self.reference_raw, strict=False)
        if self.higher_is_better:
            return [m / r for m, r in pairs if r]
        return [r / m for m, r in pairs if m]

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            figure=self.name,
            median=self.median,
            min=min(self.raw),
            max=max(self.raw),
            reference={
                "name": self.reference_name,
                "median": statistics.median(self.reference_raw) if self.reference_raw else None,
                "raw": self.reference_raw,
            },
            ratio=self.ratio,
            ratios=self.ratios,
            target=self.target,
            **{"pass": self.passed},
        )
        for key in ("name", "reference_name", "reference_raw", "passed", "higher_is_better"):
            out.pop(key)
        return out


def ratio_figure(
    item: str, name: str, unit: str, raw: list[float], reference_name: str, reference_raw: list[float], minimum: float
) -> Figure:
    f = Figure(item, name, unit, raw, f"ratio >= {minimum}", reference_name, reference_raw)
    f.passed = f.ratio is not None and f.ratio >= minimum
    return f


def bound_figure(item: str, name: str, unit: str, raw: list[float], limit: float, *, of: str = "median") -> Figure:
    """A figure that must stay at or under `limit`: its median, its "max", or its "p99"."""
    picks: dict[str, Callable[[list[float]], float]] = {
        "median": statistics.median,
        "max": max,
        "p99": lambda xs: percentile(xs, 99),
    }
    f = Figure(item, name, unit, raw, f"<= {limit:g} {unit}" if len(raw) == 1 else f"{of} <= {limit:g} {unit}")
    f.passed = picks[of](raw) <= limit
    return f


@dataclass
class Run:
    options: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def add(self, *figures: Figure) -> None:
        for f in figures:
            self.figures.append(f)
            print(line(f), flush=True)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "seconds": round(time.time() - self.started, 1),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "options": self.options,
            "notes": self.notes,
            "figures": [f.as_dict() for f in self.figures],
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def line(f: Figure) -> str:
    verdict = {True: "PASS", False: "MISS", None: "    "}[f.passed]
    ref = f" | ref {_num(statistics.median(f.reference_raw))} ({f.reference_name})" if f.reference_raw else ""
    ratio = f" | ratio {_num(f.ratio)}" if f.ratio is not None else ""
    return (
        f"{verdict} {f.item:<16} {f.name:<58} {_num(f.median):>9} {f.unit:<9} "
        f"[{_num(min(f.raw))}..{_num(max(f.raw))}]{ref}{ratio} {f.target}"
    )


def table(run: Run) -> str:
    return "\n".join(line(f) for f in run.figures)
