"""API throughput with consoles open over SSH, against headless, in the same harness.

    python bench/ssh_bench.py                  # three consoles on the Dashboard
    python bench/ssh_bench.py --consoles 5 --seconds 10 --rounds 7

``run.py serve`` headless is loaded with wrk (``auth/me`` with a JWT, 32 connections)
as in ``http_bench.py``; and ``serve --ssh-port`` (its own database) with N SSH
clients (asyncssh, in this process) each holding a 160x45 console on the Dashboard,
reading everything it draws, under the same load. Both servers run side by side and
are loaded in turn (headless, SSH, headless, ...) so a change in the machine's load hits
both alike; the ratio of each pair, then the median. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import asyncssh
from http_bench import REPO, _cpu_seconds, _me, _spread, free_port, run_wrk, start_shopkeep

DASHBOARD = b"Requests per second"


class Consoles:
    """N SSH consoles in a thread of their own, drawing until stopped."""

    def __init__(self, port: int, key: asyncssh.SSHKey, count: int) -> None:
        self.port, self.key, self.count = port, key, count
        self.bytes = [0] * count
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._run(),))

    async def _one(self, index: int, seen: asyncio.Event) -> None:
        async with asyncssh.connect(
            "127.0.0.1",
            self.port,
            username="bench@example.com",
            client_keys=[self.key],
            known_hosts=None,
            agent_path=None,
            config=None,
        ) as conn:
            proc = await conn.create_process(
                term_type="xterm-256color", term_size=(160, 45), encoding=None
            )
            received = b""
            while self.stop_event is not None and not self.stop_event.is_set():
                data = await proc.stdout.read(65536)
                if not data:
                    return
                self.bytes[index] += len(data)
                if not seen.is_set():
                    received += data
                    if DASHBOARD in received:
                        seen.set()

    async def _run(self) -> None:
        self.stop_event = asyncio.Event()
        seen = [asyncio.Event() for _ in range(self.count)]
        tasks = [asyncio.create_task(self._one(i, seen[i])) for i in range(self.count)]
        await asyncio.wait_for(asyncio.gather(*(s.wait() for s in seen)), 60)
        self.ready.set()
        await self.stop_event.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> Consoles:
        self.thread.start()
        if not self.ready.wait(90):
            raise RuntimeError("the SSH consoles did not show the Dashboard")
        return self

    def __exit__(self, *_: object) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--consoles", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="alternating headless/SSH runs")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("the benchmarks need wrk (apt-get install wrk)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        headless = start_shopkeep(workdir)
        ssh_port = free_port()
        other = workdir / "ssh"
        other.mkdir()
        served = start_shopkeep(other, "--ssh-port", str(ssh_port))
        key = asyncssh.generate_private_key("ssh-ed25519")
        cli = [sys.executable, str(REPO / "run.py"), "--db", str(served.db), "users", "ssh-key"]
        subprocess.run(
            [*cli, "add", "bench@example.com", "-"],
            input=key.export_public_key().decode(),
            text=True,
            check=True,
            capture_output=True,
        )
        pairs: list[tuple[float, float]] = []
        cpu: list[tuple[float, float]] = []  # server CPU microseconds a request
        try:
            with Consoles(ssh_port, key, args.consoles) as consoles:
                for number in range(1, args.rounds + 1):
                    rps, used = [], []
                    for sk in (headless, served):
                        path, headers, _ = _me(sk, workdir)
                        before = _cpu_seconds(sk.proc.pid)
                        result = run_wrk(
                            sk.url + path, connections=32, seconds=args.seconds, headers=headers
                        )
                        spent = _cpu_seconds(sk.proc.pid) - before
                        used.append(spent * 1e6 / max(1, result.requests))
                        rps.append(result.rps)
                    pairs.append((rps[0], rps[1]))
                    cpu.append((used[0], used[1]))
                    print(
                        f"round {number}: headless {rps[0]:>7.0f} req/s ({used[0]:.1f} us CPU "
                        f"a request), {args.consoles} SSH consoles {rps[1]:>7.0f} req/s "
                        f"({used[1]:.1f} us), ratio {rps[1] / rps[0]:.2f}"
                    )
                drawn = list(consoles.bytes)
        finally:
            served.stop()
            headless.stop()
    print(f"headless req/s: {_spread([h for h, _ in pairs])}")
    print(f"SSH      req/s: {_spread([c for _, c in pairs])}")
    print(f"ratio ssh/headless: {_spread([c / h for h, c in pairs])} (target 0.8)")
    print(f"CPU a request, headless/ssh: {_spread([h / c for h, c in cpu])} (less noisy)")
    print(f"bytes drawn per console: {drawn}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
