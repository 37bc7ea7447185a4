"""The one shape every benchmark reports in, for ``bench/run.py``.

A bench module joins the run by defining ``collect(quick: bool) -> list[Figure]``
(run.py finds every module in bench/ that has one). Each figure is one case: its
median over the runs, the spread (lowest and highest run), how many runs, and the
target the project aims for. Benchmarks are not tests: nothing asserts on these.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Figure:
    case: str  # "http: health"
    unit: str  # "x bare" (a ratio to the bare aiohttp handler), "ms", "s", "x" (a ratio)
    median: float
    low: float  # the spread: the lowest and the highest run
    high: float
    runs: int
    target: str = "-"  # as written: "0.7", "< 2 s", "<= 2x"
    met: bool | None = None  # None: no target
    note: str = ""
    detail: dict[str, float] = field(default_factory=dict)  # more figures, for --json


def summarise(
    case: str,
    unit: str,
    values: Sequence[float],
    target: str = "-",
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    note: str = "",
) -> Figure:
    """A Figure from a case's runs; ``at_least``/``at_most`` judge the median."""
    median = statistics.median(values)
    met = None
    if at_least is not None:
        met = median >= at_least
    if at_most is not None:
        met = median <= at_most if met is None else met and median <= at_most
    return Figure(case, unit, median, min(values), max(values), len(values), target, met, note)
