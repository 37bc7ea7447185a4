"""``run.py console`` in a real pseudo-terminal: a request whose path is Rich markup
(``[/]``) or an escape sequence reaches the Dashboard as text, and the console and
its API stay up."""

from __future__ import annotations

import fcntl
import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

from support import REPO

DEADLINE_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Terminal:
    """The master side of a pty, drained by a thread so the child never blocks."""

    def __init__(self, columns: int = 160, rows: int = 48) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = bytearray()
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._drain, daemon=True)

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output.extend(chunk)

    def seen(self) -> bytes:
        with self.lock:
            return bytes(self.output)

    def close(self) -> None:
        os.close(self.master)
        self.reader.join(timeout=5)


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)  # sent as written: no percent-encoding of [ ] /
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def answers(port: int) -> bool:
    try:
        return get(port, "/wp-json/") == 200
    except OSError:
        return False


def test_console_survives_markup_and_escapes_in_a_request_path(tmp_path: Path):
    port = free_port()
    terminal = Terminal()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONUNBUFFERED": "1"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "console", "--port", str(port),
         "--db", str(tmp_path / "console.db")],
        cwd=REPO,
        stdin=terminal.slave,
        stdout=terminal.slave,
        stderr=terminal.slave,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal.slave)
    terminal.reader.start()
    try:
        wait_for(lambda: answers(port) or proc.poll() is not None, "the API")
        assert proc.poll() is None, terminal.seen()[-2000:]
        wait_for(lambda: b"Requests" in terminal.seen(), "the Dashboard")

        assert get(port, "/wp-json/x[/]y") == 404
        assert get(port, "/wp-json/x%1b]52;c;aGVsbG8=%07%1b[31mred") == 404
        wait_for(lambda: b"x[/]y" in terminal.seen(), "the [/] request on the Dashboard")
        wait_for(
            lambda: "␛]52;c;aGVsbG8=␇".encode() in terminal.seen(),
            "the escape request shown as symbols",
        )

        assert proc.poll() is None
        assert answers(port)
        output = terminal.seen()
        assert b"52;c;aGVsbG8" not in output.replace("␛]52;c;aGVsbG8".encode(), b"")
        assert b"\x1b[31mred" not in output

        os.write(terminal.master, b"q")
        wait_for(lambda: proc.poll() is not None, "the console to quit")
        assert proc.returncode == 0
        assert not answers(port)
        log = (tmp_path / "console.log").read_text()
        assert "Traceback" not in log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        terminal.close()
