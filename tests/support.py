"""Helpers shared by tests (import as ``from support import ...``)."""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from service.accounts import users as accounts
from service.accounts.actors import LocalOperator
from service.app.context import Context

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"  # the project's own test data (see its README)
PASSWORD = "correct horse battery"
# The local operator (console or CLI on this machine), named the same on every machine.
OPERATOR = LocalOperator(login="tester", host="testhost", face="console")


@dataclass
class Account:
    user: accounts.User
    password: str
    access: str
    refresh: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


async def make_account(ctx: Context, email: str, role: str, name: str | None = None) -> Account:
    user = await accounts.create_user(ctx, email, PASSWORD, role, name)
    tokens = await accounts.login(ctx, email, PASSWORD)
    return Account(user, PASSWORD, tokens["access"], tokens["refresh"])


def basic_auth(login: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass
class ServerProcess:
    """``python run.py serve`` running as a subprocess on a free port."""

    proc: subprocess.Popen
    url: str
    stderr_lines: list[str]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def kill_if_running(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=15)


# Every server started, so a fixture can kill what a failing test left running.
STARTED: list[ServerProcess] = []


def start_server(db: Path, *extra: str, timeout: float = 15) -> ServerProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "serve", "--port", "0", "--db", str(db), *extra],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        m = re.fullmatch(r"listening on (https?://\S+)", line.strip())
        if m:
            server = ServerProcess(proc, m.group(1), lines)
            STARTED.append(server)
            return server
    proc.kill()
    raise AssertionError(f"server did not start: {lines}")


async def answered_or_refused(resp, allowed: set[int], *context: object) -> None:
    """A write or a query fed odd input: an expected success, or a refusal in the
    WordPress error shape (``code``, ``message``, ``data.status`` equal to the status)."""
    text = await resp.text()
    assert resp.status in allowed, (resp.status, *context, text)
    if resp.status >= 400:
        body = await resp.json()
        assert set(body) >= {"code", "message", "data"}, (*context, body)
        assert body["data"]["status"] == resp.status, (*context, body)
        assert isinstance(body["message"], str) and body["message"], (*context, body)
