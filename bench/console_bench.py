"""Console latency: the real console in a pseudo-terminal, read back with pyte.

    python bench/console_bench.py                  # N=40, 120x40, table
    python bench/console_bench.py --reps 20 --json
    python bench/console_bench.py --size 80x24 --no-load
    python bench/console_bench.py --dump           # print each screen as pyte sees it

Runs ``python run.py console --demo --port P --db D`` in a pty, writes keys to it and
times each one from the write to the moment the screen (as a VT100 emulator, pyte, sees
the console's output) shows what the key should bring:

- first visit: Store (5), Licenses (6), Routes (4), each the first time in a fresh
  console, one console per repetition; ``painted`` is the screen's own table header,
  ``loaded`` a row of demo data;
- switch: 1<->3 and 2<->6 back and forth in one long-lived console (screens seen before);
- keypress: Down/Up in the Licenses table until the cursor's row is repainted, idle and
  while ``wrk -t1 -c32`` loads the API in the same process (skipped with a message when
  wrk is missing: ``apt-get install wrk``).

Prints p50/p95/max in ms per case and the machine's cores; ``--json`` prints the same as
JSON. A benchmark, not a test: nothing asserts on timing. Goals (issue 14): a switch and
a first visit painted under 150 ms at p95, a keypress under 100 ms at p95 under load.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyte

REPO = Path(__file__).resolve().parents[1]
STEP_TIMEOUT_S = 15.0
SETTLE_S = 0.3  # output quiet for this long: the console is done repainting
KEYS = {"down": b"\x1b[B", "up": b"\x1b[A", "escape": b"\x1b"}


@dataclass(frozen=True)
class Target:
    """What a screen shows: its table header once painted, a demo row once loaded."""

    key: str
    name: str
    painted: tuple[str, ...]
    loaded: tuple[str, ...]


# "painted": words only this screen shows (a column header or tab title), never the name of
# the screen (a tab strip may show every name everywhere); "loaded": text only a row of demo
# data shows. While switching, painted also requires the previous screen's marker to be
# gone, so a word both screens show cannot end the wait early.
SCREENS = {
    "dashboard": Target("1", "Dashboard", ("Requests per second",), ("Requests per second",)),
    "tokens": Target("2", "Tokens", ("last used",), ("wc_sk",)),
    "users": Target("3", "Users", ("created",), ("@shopkeep.test",)),
    "routes": Target("4", "Routes", ("findings",), ("woonoow/v1",)),
    "store": Target("5", "Store", ("Open carts",), ("HOD-00",)),
    "licenses": Target("6", "Licenses", ("Pending OAuth",), ("inactive",)),
}


@dataclass
class Case:
    name: str
    samples: list[float] = field(default_factory=list)
    timeouts: int = 0

    def add(self, ms: float | None) -> None:
        if ms is None:
            self.timeouts += 1
        else:
            self.samples.append(ms)

    def row(self) -> dict[str, object]:
        s = sorted(self.samples)
        return {
            "case": self.name,
            "n": len(s),
            "p50_ms": round(statistics.median(s), 1) if s else None,
            "p95_ms": round(percentile(s, 95), 1) if s else None,
            "max_ms": round(s[-1], 1) if s else None,
            "timeouts": self.timeouts,
        }


def percentile(sorted_samples: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    rank = max(1, -(-len(sorted_samples) * p // 100))
    return sorted_samples[int(rank) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Console:
    """``run.py console`` in a pty; ``screen`` is what a terminal would show."""

    def __init__(self, db: Path, size: tuple[int, int], port: int) -> None:
        self.cols, self.rows = size
        self.port = port
        self.screen = pyte.Screen(self.cols, self.rows)
        self.stream = pyte.ByteStream(self.screen)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COLUMNS": str(self.cols),
            "LINES": str(self.rows),
        }
        env.pop("TEXTUAL", None)
        cmd = [sys.executable, str(REPO / "run.py"), "console", "--demo"]
        cmd += ["--port", str(port), "--db", str(db)]
        self.current = SCREENS["dashboard"]
        self.proc = subprocess.Popen(
            cmd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=str(db.parent),
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.fd = master

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def shows(self, markers: tuple[str, ...]) -> bool:
        text = self.text()
        return any(m in text for m in markers)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # the console has gone: EIO on the master
            raise RuntimeError("the console exited:\n" + self.text()) from None
        self.stream.feed(data)
        return True

    def until(self, condition: Callable[[], bool], timeout: float = STEP_TIMEOUT_S) -> float | None:
        """The time (perf_counter) at which ``condition`` first held, reading output as
        it comes; None after ``timeout``."""
        deadline = time.perf_counter() + timeout
        while not condition():
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self._read(left)
        return time.perf_counter()

    def settle(self, quiet: float = SETTLE_S, cap: float = 3.0) -> None:
        """Read until the console has been quiet for ``quiet`` s (or ``cap`` s passed:
        a screen under load never goes quiet)."""
        end = time.perf_counter() + cap
        while time.perf_counter() < end and self._read(quiet):
            pass

    def press(self, key: str, condition: Callable[[], bool]) -> float | None:
        """Milliseconds from writing ``key`` until ``condition`` holds."""
        start = time.perf_counter()
        os.write(self.fd, KEYS.get(key, key.encode()))
        seen = self.until(condition)
        return None if seen is None else (seen - start) * 1000

    def go(self, target: Target) -> tuple[float | None, float | None]:
        """Switch to ``target``: (ms until painted, ms until loaded)."""
        previous = self.current
        self.current = target

        def switched() -> bool:
            gone = previous is target or not self.shows(previous.painted)
            return gone and self.shows(target.painted)

        start = time.perf_counter()
        os.write(self.fd, target.key.encode())
        painted = self.until(switched)
        loaded = self.until(lambda: self.shows(target.loaded)) if painted else None
        self.settle()
        return tuple(None if t is None else (t - start) * 1000 for t in (painted, loaded))  # type: ignore[return-value]

    def close(self) -> None:
        """Quit with ``q``, reading the output meanwhile (a console blocked writing to a
        full pty cannot exit); SIGTERM, then SIGKILL, if it does not."""
        if self.proc.poll() is None:
            os.write(self.fd, b"q")
            for sig in (None, signal.SIGTERM, signal.SIGKILL):
                if sig is not None:
                    os.killpg(self.proc.pid, sig)
                deadline = time.perf_counter() + 10
                while self.proc.poll() is None and time.perf_counter() < deadline:
                    try:
                        self._read(0.1)
                    except RuntimeError:  # EIO: the console has closed the terminal
                        self.proc.wait(timeout=10)
                if self.proc.poll() is not None:
                    break
        os.close(self.fd)


DEMO_NOTICE = ("Demo accounts",)


def start(db: Path, size: tuple[int, int]) -> Console:
    console = Console(db, size, free_port())
    dashboard = SCREENS["dashboard"].painted
    console.until(lambda: console.shows(dashboard) or console.shows(DEMO_NOTICE), 60)
    if console.shows(DEMO_NOTICE):  # the first run's dialog of demo accounts: Escape closes it
        console.press("escape", lambda: not console.shows(DEMO_NOTICE))
    if console.until(lambda: console.shows(dashboard), 60) is None:
        console.close()
        raise RuntimeError("the console did not show its Dashboard:\n" + console.text())
    console.settle()
    return console


def table_lines(console: Console, header: tuple[str, ...]) -> int | None:
    """The screen line of the table header that shows every word of ``header``."""
    for y, line in enumerate(console.screen.display):
        if all(word in line for word in header):
            return y
    return None


LICENSE_HEADER = ("key", "customer", "sites")


def keypresses(console: Console, case: Case, reps: int) -> None:
    """Down and Up in the Licenses table, each timed until the cursor's colour has moved to
    the next (previous) row: the cursor starts on the first row, below the header."""
    header = table_lines(console, LICENSE_HEADER)
    if header is None:
        raise RuntimeError("no Licenses table on screen:\n" + console.text())
    first, second, column = header + 1, header + 2, 3
    buffer = console.screen.buffer
    cursor = buffer[first][column].bg
    if buffer[second][column].bg == cursor:
        raise RuntimeError("cannot tell the cursor row from the next one")

    def on(row: int) -> bool:
        other = second if row == first else first
        return buffer[row][column].bg == cursor and buffer[other][column].bg != cursor

    for i in range(reps):
        key, row = ("down", second) if i % 2 == 0 else ("up", first)
        case.add(console.press(key, lambda row=row: on(row)))
        console.settle(0.05, 0.5)


def wrk_load(url: str, seconds: int) -> subprocess.Popen[bytes] | None:
    if shutil.which("wrk") is None:
        return None
    return subprocess.Popen(
        ["wrk", "-t1", "-c32", f"-d{seconds}s", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run(args: argparse.Namespace) -> dict[str, object]:
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    cases: dict[str, Case] = {}

    def case(name: str) -> Case:
        return cases.setdefault(name, Case(name))

    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        start(db, size).close()  # seeds the demo: later consoles open without the notice

        for _ in range(args.first_visit_reps or args.reps):
            console = start(db, size)
            try:
                for name in ("store", "licenses", "routes"):
                    painted, loaded = console.go(SCREENS[name])
                    case(f"first visit {SCREENS[name].name}: painted").add(painted)
                    case(f"first visit {SCREENS[name].name}: loaded").add(loaded)
            finally:
                console.close()

        console = start(db, size)
        try:
            for name in SCREENS:  # every screen seen once: what follows are switches
                console.go(SCREENS[name])
            for a, b in (("dashboard", "users"), ("tokens", "licenses")):
                console.go(SCREENS[a])
                for i in range(args.reps):
                    dst = b if i % 2 == 0 else a
                    painted, _ = console.go(SCREENS[dst])
                    case(f"switch {SCREENS[a].key}<->{SCREENS[b].key}").add(painted)
            console.go(SCREENS["licenses"])
            keypresses(console, case("keypress Licenses: idle"), args.reps)
            load = None if args.no_load else wrk_load(console.url + args.load_path, 600)
            if load is None:
                why = "--no-load" if args.no_load else "wrk is missing (apt-get install wrk)"
                print(f"keypress under load: skipped, {why}", file=sys.stderr)
            else:
                try:
                    console.settle(cap=2.0)  # wrk has connected and the load is steady
                    keypresses(console, case("keypress Licenses: wrk -c32"), args.reps)
                    for i in range(args.reps):
                        dst = "users" if i % 2 == 0 else "dashboard"
                        painted, _ = console.go(SCREENS[dst])
                        case("switch 1<->3: wrk -c32").add(painted)
                finally:
                    load.terminate()
                    load.wait(timeout=10)
        finally:
            console.close()

    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "size": args.size,
        "reps": args.reps,
        "load": None if args.no_load else f"wrk -t1 -c32 {args.load_path}",
        "results": [c.row() for c in cases.values()],
    }


def dump(args: argparse.Namespace) -> None:
    size = tuple(int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="console-bench-") as tmp:
        console = start(Path(tmp) / "bench.db", size)  # type: ignore[arg-type]
        try:
            for target in SCREENS.values():
                console.go(target)
                console.settle(1.0)
                print(f"== {target.key} {target.name}")
                print(console.text())
        finally:
            console.close()


def print_table(report: dict[str, object]) -> None:
    print(
        f"console latency, {report['size']}, {report['reps']} repetitions, "
        f"{report['cores']} cores ({report['usable_cores']} usable), Python {report['python']}"
    )
    print(f"{'case':<38} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'timeouts':>8}")
    for row in report["results"]:  # type: ignore[attr-defined]
        cells = [row[k] if row[k] is not None else "-" for k in ("p50_ms", "p95_ms", "max_ms")]
        print(
            f"{row['case']:<38} {row['n']:>4} {cells[0]:>8} {cells[1]:>8} {cells[2]:>8}"
            f" {row['timeouts']:>8}"
        )
    print("goals: switch and first visit painted < 150 ms p95; keypress < 100 ms p95 under load")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=40, help="repetitions per case (40)")
    parser.add_argument(
        "--first-visit-reps", type=int, default=0, help="fresh consoles for first visits (=reps)"
    )
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS (120x40)")
    parser.add_argument("--load-path", default="/wp-json/woonoow/v1/shop/products")
    parser.add_argument("--no-load", action="store_true", help="skip the wrk case")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--dump", action="store_true", help="print each screen and stop")
    args = parser.parse_args()
    if args.dump:
        dump(args)
        return
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
