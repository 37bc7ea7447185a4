"""HTTP benchmarks: Shopkeep against a bare aiohttp JSON handler, side by side.

    python bench/http_bench.py                 # every case, headless serve
    python bench/http_bench.py --case me       # one case
    python bench/http_bench.py --rounds 5      # median and spread of 5 alternating runs
    python bench/http_bench.py --serve-flag=--no-access-log   # flags for run.py serve
    python bench/http_bench.py --console       # API throughput with the console open in tmux,
                                               # alternating with headless serve (--rounds 5)

Both servers run in this one run on this machine and are loaded by the same
generator (wrk, `apt-get install wrk`) with the same connections and duration;
we print requests/s, p50 and p99 for each and the ratio. Benchmarks are not
tests: nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def http_json(url: str, body: dict | None = None, headers: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: int,
    script: str | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    p = {k: _ms(*re.fullmatch(r"([\d.]+)(\w+)", v).groups()) for k, v in lat.items()}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return Result(
        rps, p.get("50", 0.0), p.get("99", 0.0), int(errors.group(1)) if errors else 0, total
    )


@dataclass
class Shopkeep:
    """``run.py serve`` on a scratch database with a demo admin."""

    url: str
    proc: subprocess.Popen
    db: Path
    access: str = ""
    extras: dict = field(default_factory=dict)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def start_shopkeep(workdir: Path, *flags: str) -> Shopkeep:
    db = workdir / "bench.db"
    env = {**os.environ}
    subprocess.run(
        [
            sys.executable,
            str(REPO / "run.py"),
            "users",
            "create",
            "bench@example.com",
            "--password",
            "bench-password",
            "--role",
            "administrator",
            "--db",
            str(db),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "run.py"),
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            *flags,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("listening on"):
            break
    else:
        raise RuntimeError(f"serve did not start: {''.join(seen)}")
    url = line.split()[-1]
    tokens = http_json(
        f"{url}/api/v1/auth/login/", {"email": "bench@example.com", "password": "bench-password"}
    )
    return Shopkeep(url, proc, db, tokens["access"])


@dataclass
class Case:
    name: str
    describe: str
    target: str
    connections: int = 32
    # Given the running Shopkeep, returns (path, headers, wrk lua script or None).
    prepare: Callable[[Shopkeep, Path], tuple[str, dict, str | None]] = None  # type: ignore


def _namespace_index(sk: Shopkeep, _: Path):
    return "/wp-json/woonoow/v1", {}, None


def _me(sk: Shopkeep, _: Path):
    return "/api/v1/auth/me/", {"Authorization": f"Bearer {sk.access}"}, None


def _integration_token(sk: Shopkeep) -> str:
    if "token" not in sk.extras:
        issued = http_json(
            f"{sk.url}/api/v1/integrations/tokens/generate/",
            {"name": "bench", "integration_type": "woocommerce"},
            {"Authorization": f"Bearer {sk.access}", "Accept-Language": "en"},
        )
        sk.extras["token"] = issued["token"]
    return sk.extras["token"]


def _health(sk: Shopkeep, _: Path):
    token = _integration_token(sk)
    return "/api/integrations/woocommerce/health/", {"Authorization": f"Bearer {token}"}, None


WEBHOOK_LUA = """
counter = 0
local run = os.time()
request = function()
  counter = counter + 1
  local body = string.format(
    '{"event_id":"bench_%d_%d","event_type":"product.updated","product":{"id":%d,'
    .. '"sku":"SKU-%d","name":"Bench product %d","short_description":"Short",'
    .. '"description":"<p>Long description</p>","price":19.5,"regular_price":25,'
    .. '"sale_price":19.5,"currency":"USD","stock_quantity":%d,"stock_status":"instock",'
    .. '"categories":["Bench","Tools"],"tags":["fast"],"image":"https://example.com/a.jpg",'
    .. '"gallery":[],"permalink":"https://example.com/p/%d","type":"simple","on_sale":true,'
    .. '"date_modified":"2026-01-01T00:00:%02dZ"}}',
    run, counter, counter % 500 + 1, counter % 500 + 1, counter % 500 + 1, counter % 97,
    counter % 500 + 1, counter % 60)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
                                  ["Authorization"] = "Bearer TOKEN"}, body)
end
"""


def _count_events(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT count(*) FROM sync_events").fetchone()[0]


def _webhook(sk: Shopkeep, workdir: Path):
    token = _integration_token(sk)
    script = workdir / "webhook.lua"
    script.write_text(WEBHOOK_LUA.replace("TOKEN", token))
    before = _count_events(sk.db)

    def durable(result: Result) -> str:
        stored = _count_events(sk.db) - before
        acked = result.requests - result.errors
        verdict = "all durable" if stored >= acked else "MISSING EVENTS"
        return f"acknowledged events: {acked}, stored: {stored} ({verdict})"

    sk.extras.setdefault("checks", []).append(durable)
    return "/api/integrations/woocommerce/webhook/", {}, str(script)


def _first_variable_product(sk: Shopkeep) -> int:
    """The demo's first variable product on the shop's first page (a page with variations)."""
    if "variable" not in sk.extras:
        items = http_json(f"{sk.url}/wp-json/woonoow/v1/shop/products?per_page=50")
        sk.extras["variable"] = next(i["id"] for i in items if i["type"] == "variable")
    return sk.extras["variable"]


def _shop_products(sk: Shopkeep, _: Path):
    return "/wp-json/woonoow/v1/shop/products?per_page=10", {}, None


def _shop_product(sk: Shopkeep, _: Path):
    return f"/wp-json/woonoow/v1/shop/products/{_first_variable_product(sk)}", {}, None


def _admin_products(sk: Shopkeep, _: Path):
    path = "/wp-json/woonoow/v1/products?per_page=10"
    return path, {"Authorization": f"Bearer {sk.access}"}, None


def _admin_product(sk: Shopkeep, _: Path):
    path = f"/wp-json/woonoow/v1/products/{_first_variable_product(sk)}"
    return path, {"Authorization": f"Bearer {sk.access}"}, None


CASES: list[Case] = [
    Case("namespace-index", "GET /wp-json/woonoow/v1 (namespace index)", "-", 32, _namespace_index),
    Case("me", "JWT-authenticated GET /api/v1/auth/me/", "0.8", 32, _me),
    Case("health", "token-authenticated GET woocommerce/health/", "0.7", 32, _health),
    Case("webhook", "POST woocommerce/webhook/ product updates, 32 clients", "0.1", 32, _webhook),
    Case(
        "shop-products", "GET shop/products, 10 a page (with variations)", "0.1", 32, _shop_products
    ),
    Case(
        "shop-product",
        "GET shop/products/{id}, a variable product's page",
        "0.1",
        32,
        _shop_product,
    ),
    Case("admin-products", "JWT GET woonoow/v1/products, 10 a page", "0.1", 32, _admin_products),
    Case(
        "admin-product",
        "JWT GET woonoow/v1/products/{id}, a variable product",
        "0.1",
        32,
        _admin_product,
    ),
]


def start_bare() -> tuple[subprocess.Popen[bytes], str]:
    """The bare aiohttp JSON handler every ratio is measured against, on a free port."""
    port = free_port()
    bare = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "bare_app.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return bare, f"http://127.0.0.1:{port}"


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process ``pid`` has used; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loaded(pid: int, url: str, **load: Any) -> tuple[Result, float | None]:
    """``run_wrk`` on ``url`` and the server's (``pid``) CPU microseconds per request."""
    before = cpu_seconds(pid)
    result = run_wrk(url, **load)
    after = cpu_seconds(pid)
    if before is None or after is None or not result.requests:
        return result, None
    return result, (after - before) * 1e6 / result.requests


def run_cases(selected: list[Case], seconds: int, rounds: int, flags: list[str]) -> None:
    """Each case ``rounds`` times, bare then Shopkeep in turn; the median ratio of
    requests/s with its spread, and of the servers' CPU time per request (steadier
    than requests/s on a shared machine: wrk's own scheduling drops out)."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bare, bare_url = start_bare()
        sk = start_shopkeep(workdir, "--demo", *flags)
        try:
            wait_http(bare_url + "/")
            if flags:
                print("serve " + " ".join(flags))
            print(
                f"{'case':<15} {'bare rps':>9} {'shopkeep':>9} {'ratio':>6} {'spread':>10} "
                f"{'target':>6} {'cpu us/req bare/sk':>19} {'cpu ratio':>9} "
                f"{'p99 bare/sk ms':>15} {'non-2xx':>7}"
            )
            for case in selected:
                path, headers, script = case.prepare(sk, workdir)
                load = {
                    "connections": case.connections,
                    "seconds": seconds,
                    "script": script,
                    "headers": headers,
                }
                runs = []
                for _ in range(rounds):
                    b, b_cpu = loaded(bare.pid, bare_url + path, **load)
                    s, s_cpu = loaded(sk.proc.pid, sk.url + path, **load)
                    runs.append((s.rps / b.rps, b, s, b_cpu, s_cpu))
                runs.sort(key=lambda run: run[0])
                ratio, b, s, b_cpu, s_cpu = runs[len(runs) // 2]
                spread = f"{runs[0][0]:.2f}-{runs[-1][0]:.2f}" if rounds > 1 else "-"
                cpu = "-"
                cpu_ratio = "-"
                cpus = [(run[3], run[4]) for run in runs if run[3] and run[4]]
                if cpus:
                    b_cpu = statistics.median(c[0] for c in cpus)
                    s_cpu = statistics.median(c[1] for c in cpus)
                    cpu, cpu_ratio = f"{b_cpu:.0f}/{s_cpu:.0f}", f"{b_cpu / s_cpu:.2f}"
                print(
                    f"{case.name:<15} {b.rps:>9.0f} {s.rps:>9.0f} {ratio:>6.2f} {spread:>10} "
                    f"{case.target:>6} {cpu:>19} {cpu_ratio:>9} "
                    f"{b.p99_ms:>6.2f}/{s.p99_ms:<8.2f} {s.errors:>7}"
                )
                for check in sk.extras.get("checks", []):
                    print("   ", check(s))
                sk.extras["checks"] = []
            if rounds > 1:
                print(f"median of {rounds} alternating rounds; spread: lowest-highest ratio")
        finally:
            sk.stop()
            bare.terminate()
            bare.wait()


CONSOLE_TARGET = 0.9


@dataclass
class ConsoleSide:
    """One server of the console case: ``serve`` headless or ``console`` in tmux."""

    url: str
    access: str
    pid: int
    stop: Callable[[], None]
    screen: Callable[[], str] = lambda: ""


def _new_db(workdir: Path, name: str) -> Path:
    db = workdir / name / "bench.db"
    db.parent.mkdir()
    subprocess.run(
        [
            *(sys.executable, str(REPO / "run.py"), "users", "create", "bench@example.com"),
            *("--password", "bench-password", "--role", "administrator", "--db", str(db)),
        ],
        check=True,
        capture_output=True,
    )
    return db


def _login(url: str) -> str:
    body = {"email": "bench@example.com", "password": "bench-password"}
    return http_json(f"{url}/api/v1/auth/login/", body)["access"]


def _headless_side(workdir: Path) -> ConsoleSide:
    db = _new_db(workdir, "headless")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "serve", "--port", str(port), "--db", str(db)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def stop() -> None:
        proc.terminate()
        proc.wait(timeout=20)

    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/wp-json/")
    return ConsoleSide(url, _login(url), proc.pid, stop)


def _console_side(workdir: Path) -> ConsoleSide:
    db = _new_db(workdir, "console")
    port = free_port()
    session = f"shopkeep-bench-{port}"
    command = f"{sys.executable} {REPO / 'run.py'} console --port {port} --db {db}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "45", command],
        check=True,
    )

    def screen() -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
        ).stdout

    def stop() -> None:
        subprocess.run(["tmux", "send-keys", "-t", session, "q"])
        time.sleep(1)
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)

    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/wp-json/")
        time.sleep(1)  # the Dashboard is on view
        return ConsoleSide(url, _login(url), _pane_python(session), stop, screen)
    except BaseException:
        stop()
        raise


def _pane_python(session: str) -> int:
    """The console's process: the tmux pane's, or the Python its shell started."""
    pid = int(
        subprocess.run(
            ["tmux", "list-panes", "-t", session, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[0]
    )
    for _ in range(3):
        if "python" in Path(f"/proc/{pid}/comm").read_text():
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if not children:
            break
        pid = int(children[0])
    return pid


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f}, min {min(values):.2f}, max {max(values):.2f}"


def run_console(seconds: int, rounds: int) -> None:
    """Headless serve vs. the console on its Dashboard in a real terminal (tmux), both
    started once and loaded in turn (headless, console, headless, ...) so a change in
    the machine's load hits both sides alike; the ratio of each pair, then the median."""
    if not shutil.which("tmux"):
        sys.exit("the console case needs tmux (apt-get install tmux)")
    path = "/api/v1/auth/me/"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        headless = _headless_side(workdir)
        try:
            console = _console_side(workdir)
        except BaseException:
            headless.stop()
            raise
        pairs: list[tuple[Result, Result]] = []
        cpu: list[tuple[float, float]] = []  # server CPU microseconds per request
        try:
            for number in range(1, rounds + 1):
                runs, used = [], []
                for side in (headless, console):
                    auth = {"Authorization": f"Bearer {side.access}"}
                    before = _cpu_seconds(side.pid)
                    result = run_wrk(side.url + path, connections=32, seconds=seconds, headers=auth)
                    used.append((_cpu_seconds(side.pid) - before) * 1e6 / max(1, result.requests))
                    runs.append(result)
                pairs.append((runs[0], runs[1]))
                cpu.append((used[0], used[1]))
                print(
                    f"round {number}: headless {runs[0].rps:>7.0f} req/s ({used[0]:.1f} us CPU "
                    f"a request), console {runs[1].rps:>7.0f} req/s ({used[1]:.1f} us), "
                    f"ratio {runs[1].rps / runs[0].rps:.2f}"
                )
            shown = console.screen()
        finally:
            console.stop()
            headless.stop()
    ratios = [c.rps / h.rps for h, c in pairs]
    print(f"headless req/s: {_spread([h.rps for h, _ in pairs])}")
    print(f"console  req/s: {_spread([c.rps for _, c in pairs])}")
    print(f"ratio console/headless: {_spread(ratios)} (target {CONSOLE_TARGET})")
    cpu_ratios = [h / c for h, c in cpu]
    print(f"CPU a request, headless/console: {_spread(cpu_ratios)} (less noisy)")
    print(
        "noisy: each side is one process sharing this machine's cores with wrk and with "
        "whatever else runs; compare medians of several rounds, not single runs"
    )
    live = re.search(r"Requests\s*[│|]?\s*\n?.*?(\d+)", shown, re.S)
    print("dashboard was live:", "yes" if live else "could not read the screen")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--console", action="store_true")
    parser.add_argument(
        "--serve-flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="passed on to run.py serve, e.g. --serve-flag=--no-access-log (repeatable)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="alternating runs per case: bare and Shopkeep (default 1), or headless and "
        "console (--console, default 5)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("the benchmarks need wrk (apt-get install wrk)")
    if args.console:
        run_console(args.seconds, args.rounds or 5)
        return
    selected = [c for c in CASES if not args.case or c.name in args.case]
    run_cases(selected, args.seconds, args.rounds or 1, args.serve_flag)


if __name__ == "__main__":
    main()


def collect(quick: bool) -> list:
    """bench/run.py's cases: each HTTP case's ratio to the bare handler, over alternating
    runs (bare, then Shopkeep, per run) against one Shopkeep --demo."""
    from figures import summarise

    if not shutil.which("wrk"):
        return []
    runs, seconds = (1, 2) if quick else (3, 5)
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bare, bare_url = start_bare()
        sk = start_shopkeep(workdir, "--demo")
        try:
            wait_http(bare_url + "/")
            for case in CASES:
                path, headers, script = case.prepare(sk, workdir)
                ratios, rps, cpu_ratios = [], [], []
                for _ in range(runs):
                    load = {"connections": case.connections, "seconds": seconds}
                    b, b_cpu = loaded(
                        bare.pid, bare_url + path, script=script, headers=headers, **load
                    )
                    s, s_cpu = loaded(
                        sk.proc.pid, sk.url + path, script=script, headers=headers, **load
                    )
                    ratios.append(s.rps / b.rps)
                    rps.append(s.rps)
                    if b_cpu and s_cpu:
                        cpu_ratios.append(b_cpu / s_cpu)
                notes = [check(s) for check in sk.extras.get("checks", [])]
                sk.extras["checks"] = []
                target = None if case.target == "-" else float(case.target)
                figure = summarise(
                    f"http: {case.name}",
                    "x bare",
                    ratios,
                    case.target,
                    at_least=target,
                    note="; ".join(notes),
                )
                figure.detail = {"shopkeep_rps_median": sorted(rps)[len(rps) // 2]}
                if cpu_ratios:
                    figure.detail["cpu_per_request_ratio_median"] = statistics.median(cpu_ratios)
                figures.append(figure)
        finally:
            sk.stop()
            bare.terminate()
            bare.wait()
    return figures
