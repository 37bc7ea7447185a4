"""PostgreSQL against SQLite, side by side: the same demo shop served from a SQLite file
(one process) and from a throwaway PostgreSQL cluster (one worker, then ``--workers N``),
each case's throughput as a ratio to the bare aiohttp handler measured in the same run.

    python bench/pg_bench.py                  # shop-products, health, webhook; --workers 2
    python bench/pg_bench.py --workers 0      # leave the multi-worker row out
    python bench/pg_bench.py --seconds 10 --rounds 3

The cluster is the tests' (tests/pg_support.py: initdb into a temporary folder, a unix
socket, fsync off, so the figures are of the server's work, not of this disk's flushes).
A ``serve`` that refuses ``--workers`` (before that flag exists) skips its row with the
reason. Benchmarks are not tests: nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_bench import (  # noqa: E402
    WEBHOOK_LUA,
    Result,
    Shopkeep,
    _health,
    _integration_token,
    _shop_products,
    free_port,
    http_json,
    run_wrk,
    start_bare,
    wait_http,
)

SECRET = "YmVuY2gtb25seS1zZWNyZXQta2V5LWZvci1wZy1iZW5jaCE="
Prepare = Callable[[Shopkeep, Path], tuple[str, dict, str | None]]


LOG = Path(tempfile.gettempdir()) / "shopkeep-pg-bench.log"


def _run(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHOPKEEP_SECRET_KEY": SECRET}
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args, "--db", db, "--log-file", str(LOG)],
        capture_output=True,
        text=True,
        env=env,
    )


def start(db: str, workers: int | None = None) -> Shopkeep | str:
    """``serve --demo`` on ``db`` with a bench admin; a one-line reason when it refuses."""
    made = _run(
        "users",
        "create",
        "bench@example.com",
        "--password",
        "bench-password",
        "--role",
        "administrator",
        db=db,
    )
    if made.returncode not in (0, 1):
        return f"users create: {made.stderr.strip()[-200:]}"
    flags = ["--workers", str(workers)] if workers else []
    serve = [sys.executable, str(REPO / "run.py"), "serve", "--demo", "--port", str(free_port())]
    proc = subprocess.Popen(
        [*serve, *flags, "--db", db, "--log-file", str(LOG)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SHOPKEEP_SECRET_KEY": SECRET},
    )
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("listening on"):
            break
    else:
        proc.wait()
        return "serve refused: " + " ".join("".join(seen).split())[-200:]
    url = line.split()[-1]
    wait_http(url + "/wp-json/")
    tokens = http_json(
        f"{url}/api/v1/auth/login/", {"email": "bench@example.com", "password": "bench-password"}
    )
    return Shopkeep(url, proc, Path(db) if "://" not in db else db, tokens["access"])  # type: ignore[arg-type]


def _webhook(sk: Shopkeep, workdir: Path) -> tuple[str, dict, str | None]:
    token = _integration_token(sk)
    script = workdir / f"webhook-{abs(hash(sk.url))}.lua"
    script.write_text(WEBHOOK_LUA.replace("TOKEN", token))
    return "/api/integrations/woocommerce/webhook/", {}, str(script)


CASES: list[tuple[str, Prepare]] = [
    ("shop-products", _shop_products),
    ("health", _health),
    ("webhook", _webhook),
]


def _cluster() -> tuple[Any, str]:
    from pg_support import Cluster, _tool, with_database

    cluster = Cluster()
    dsn = cluster.start(_tool("initdb") or "initdb", _tool("pg_ctl") or "pg_ctl")

    async def create(name: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()

    asyncio.run(create("bench"))
    return cluster, with_database(dsn, "bench")


def measure(seconds: int, rounds: int, workers: int) -> list[tuple[str, str, list[float], str]]:
    """(case, server, ratios to bare, note) rows."""
    rows: list[tuple[str, str, list[float], str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        cluster, dsn = _cluster()
        bare, bare_url = start_bare()
        servers: dict[str, Shopkeep | str] = {}
        try:
            wait_http(bare_url + "/")
            servers["sqlite, 1 process"] = start(str(workdir / "bench.db"))
            servers["postgresql, 1 worker"] = start(dsn)
            if workers > 1:
                servers[f"postgresql, {workers} workers"] = start(dsn, workers)
            for case, prepare in CASES:
                for name, sk in servers.items():
                    if isinstance(sk, str):
                        rows.append((case, name, [], sk))
                        continue
                    path, headers, script = prepare(sk, workdir)
                    ratios = []
                    for _ in range(rounds):
                        load: dict[str, Any] = {"connections": 32, "seconds": seconds}
                        b: Result = run_wrk(bare_url + path, script=script, headers=headers, **load)
                        s = run_wrk(sk.url + path, script=script, headers=headers, **load)
                        ratios.append(s.rps / b.rps)
                        note = f"{s.rps:.0f} rps, p99 {s.p99_ms:.1f} ms, non-2xx {s.errors}"
                    rows.append((case, name, ratios, note))
        finally:
            for sk in servers.values():
                if not isinstance(sk, str):
                    sk.stop()
            bare.terminate()
            bare.wait()
            cluster.stop()
    return rows


def collect(quick: bool) -> list:
    """bench/run.py's cases: each case on each backend, as a ratio to the bare handler."""
    from figures import summarise
    from pg_support import unavailable_reason

    if not shutil.which("wrk") or unavailable_reason():
        return []
    seconds, rounds = (2, 1) if quick else (5, 3)
    figures = []
    for case, server, ratios, note in measure(seconds, rounds, workers=2):
        if ratios:
            figures.append(summarise(f"pg: {case} ({server})", "x bare", ratios, note=note))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="the multi-worker row (0: none)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("the benchmarks need wrk (apt-get install wrk)")
    from pg_support import unavailable_reason

    if reason := unavailable_reason():
        sys.exit(reason)
    print(f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    print(f"{'case':<15} {'server':<24} {'x bare (median)':>15}  {'runs':<18} last run")
    for case, server, ratios, note in measure(args.seconds, args.rounds, args.workers):
        if not ratios:
            print(f"{case:<15} {server:<24} {'skipped':>15}  {note}")
            continue
        median = sorted(ratios)[len(ratios) // 2]
        runs = "/".join(f"{r:.2f}" for r in ratios)
        print(f"{case:<15} {server:<24} {median:>15.2f}  {runs:<18} {note}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
