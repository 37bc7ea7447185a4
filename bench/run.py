"""Every benchmark, one table: ``python bench/run.py``.

    python bench/run.py              # every case (several minutes; the scale databases
                                     # are generated once, then cached in bench/results/)
    python bench/run.py --quick      # shorter runs, fewer repetitions, small scale sizes
    python bench/run.py --json       # the same figures as JSON, for tools
    python bench/run.py --only scale # the modules whose name contains "scale"

Each bench module in bench/ that defines ``collect(quick) -> list[Figure]`` is a case
source (see bench/figures.py): http_bench (ratios to a bare aiohttp handler under wrk,
several alternating runs), routecheck_bench, dispatch_bench, startup_bench, scale, and
whatever module defines one next. The table gives each case's median, its spread (the
lowest and highest run), the runs, the target and whether the median meets it, with the
machine's core count and load, since the machine may be shared. Benchmarks are not
tests: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import sys
import time
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from figures import Figure  # noqa: E402

# Known sources first, in this order; any other bench module with ``collect`` after them.
ORDER = ["http_bench", "startup_bench", "scale", "routecheck_bench", "dispatch_bench"]


def sources() -> list[str]:
    found = [p.stem for p in sorted(HERE.glob("*.py")) if p.stem not in ("run", "figures")]
    return [m for m in ORDER if m in found] + [m for m in found if m not in ORDER]


def machine() -> dict[str, object]:
    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "load_1_5_15": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def print_table(figures: list[Figure], info: dict[str, object], started: float) -> None:
    print(
        f"Shopkeep benchmarks: {info['cores']} cores, load {info['load_1_5_15']} at the end, "
        f"Python {info['python']}, SQLite {info['sqlite']}, {time.time() - started:.0f} s"
    )
    print(
        f"{'case':<44} {'median':>9} {'unit':<6} {'spread (low-high)':>19} {'runs':>4} "
        f"{'target':>9}  met"
    )
    for f in figures:
        spread = f"{_fmt(f.low)}-{_fmt(f.high)}"
        met = "-" if f.met is None else ("yes" if f.met else "NO")
        print(
            f"{f.case:<44} {_fmt(f.median):>9} {f.unit:<6} {spread:>19} {f.runs:>4} "
            f"{f.target:>9}  {met}"
        )
        if f.note:
            print(f"{'':<6}{f.note}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short runs, for a first look")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--only", action="append", default=[], help="module name substring")
    args = parser.parse_args()
    started = time.time()
    figures: list[Figure] = []
    for name in sources():
        module = importlib.import_module(name)
        collect = getattr(module, "collect", None)
        if collect is None:
            continue
        if args.only and not any(word in name for word in args.only):
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures += collect(args.quick)
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "figures": [asdict(f) for f in figures]}, indent=2))
    else:
        print_table(figures, info, started)


if __name__ == "__main__":
    main()
