"""API throughput with consoles open over SSH, against headless, in the same harness.

    python bench/ssh_bench.py                  # three consoles on the Dashboard
    python bench/ssh_bench.py --consoles 5 --seconds 10

``run.py serve`` headless is loaded with wrk (``auth/me`` with a JWT, 32 connections)
as in ``http_bench.py``; then ``serve --ssh-port`` on the same database with N SSH
clients (asyncssh, in this process) each holding a 160x45 console on the Dashboard,
reading everything it draws, under the same load. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import asyncssh
from http_bench import REPO, _me, free_port, run_wrk, start_shopkeep

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
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("the benchmarks need wrk (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sk = start_shopkeep(workdir)
        path, headers, _ = _me(sk, workdir)
        headless = run_wrk(sk.url + path, connections=32, seconds=args.seconds, headers=headers)
        sk.stop()

        ssh_port = free_port()
        other = workdir / "ssh"
        other.mkdir()
        sk = start_shopkeep(other, "--ssh-port", str(ssh_port))
        key = asyncssh.generate_private_key("ssh-ed25519")
        cli = [sys.executable, str(REPO / "run.py"), "--db", str(sk.db), "users", "ssh-key"]
        subprocess.run(
            [*cli, "add", "bench@example.com", "-"],
            input=key.export_public_key().decode(),
            text=True,
            check=True,
            capture_output=True,
        )
        try:
            with Consoles(ssh_port, key, args.consoles) as consoles:
                path, headers, _ = _me(sk, other)
                loaded = run_wrk(
                    sk.url + path, connections=32, seconds=args.seconds, headers=headers
                )
                drawn = list(consoles.bytes)
        finally:
            sk.stop()
    print(f"headless serve:          {headless.rps:.0f} req/s (p99 {headless.p99_ms:.2f} ms)")
    print(f"{args.consoles} SSH consoles open: {loaded.rps:.0f} req/s (p99 {loaded.p99_ms:.2f} ms)")
    print(f"ratio ssh/headless: {loaded.rps / headless.rps:.2f} (target 0.8)")
    print(f"bytes drawn per console: {drawn}")


if __name__ == "__main__":
    main()
