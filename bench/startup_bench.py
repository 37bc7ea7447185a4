"""Startup figures the tests no longer time: how soon ``run.py serve`` is ready, and how
long ``--demo`` seeding takes, on this machine.

    python bench/startup_bench.py            # 5 serve starts, 5 with --demo, 3 demo seeds
    python bench/startup_bench.py --runs 10

Benchmarks are not tests: nothing here asserts on timing. The figures the project has
aimed for: ready within 3 s, demo seeded well within 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from service.app.context import Context  # noqa: E402
from service.common.config import Settings  # noqa: E402
from service.demo import seed as demo  # noqa: E402


def serve_ready_s(db: Path, *flags: str) -> float:
    """Seconds from spawning ``run.py serve`` to its ``listening on`` line."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "serve", "--port", "0", "--db", str(db), *flags],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if re.fullmatch(r"listening on http://\S+", line.strip()):
                return time.perf_counter() - started
        raise SystemExit(f"serve exited without becoming ready (status {proc.wait()})")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


async def demo_seed_s(db: Path) -> float:
    """Seconds to seed the demo shop into a fresh database, at the production hash cost."""
    ctx = await Context.open(Settings(db=str(db), log_file=str(db.with_suffix(".log"))))
    try:
        started = time.perf_counter()
        await demo.seed(ctx)
        return time.perf_counter() - started
    finally:
        await ctx.close()


def summary(name: str, figures: list[float]) -> str:
    return (
        f"{name:<22} median {statistics.median(figures):6.2f} s   "
        f"min {min(figures):6.2f} s   max {max(figures):6.2f} s   ({len(figures)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="serve starts (demo seeds: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ready = [serve_ready_s(root / f"serve{n}.db") for n in range(args.runs)]
        demo_ready = [serve_ready_s(root / f"new{n}.db", "--demo") for n in range(args.runs)]
        seeds = [asyncio.run(demo_seed_s(root / f"demo{n}.db")) for n in range(3)]
    print(summary("serve ready", ready))
    print(summary("serve --demo ready", demo_ready) + "   (a new database; target < 2 s)")
    print(summary("demo seed", seeds))


def collect(quick: bool) -> list:
    """bench/run.py's cases: serve ready, serve --demo ready on a new database, seeding."""
    from figures import summarise

    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ready = [serve_ready_s(root / f"serve{n}.db") for n in range(runs)]
        demo_ready = [serve_ready_s(root / f"new{n}.db", "--demo") for n in range(runs)]
        seeds = [asyncio.run(demo_seed_s(root / f"demo{n}.db")) for n in range(min(runs, 3))]
    return [
        summarise("startup: serve ready", "s", ready, "< 3 s", at_most=3.0),
        summarise("startup: serve --demo ready (new db)", "s", demo_ready, "< 2 s", at_most=2.0),
        summarise("startup: demo seed", "s", seeds, "-"),
    ]


if __name__ == "__main__":
    main()
