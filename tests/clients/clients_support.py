"""Helpers for the real-client checks (import as ``from clients_support import ...``)."""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import REPO, STARTED, ServerProcess, start_server

HERE = Path(__file__).resolve().parent
ADMIN = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery"
CLIENT_TIMEOUT = 120  # a safety net for a hung client, not a measure of speed


@dataclass(frozen=True)
class ApiKey:
    consumer_key: str
    consumer_secret: str


@dataclass(frozen=True)
class Shop:
    """One database with its administrator, served over http."""

    db: Path
    url: str
    app_password: str
    page_origin: str


def tool(*names: str) -> str:
    """The first of these programs on PATH, or skip the check that needs it."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{' or '.join(names)} is not on PATH and this client check needs it")


def cli(*args: str) -> str:
    """``run.py ARGS``: its stdout, or a failure with what it printed."""
    done = subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=CLIENT_TIMEOUT,
    )
    assert done.returncode == 0, f"run.py {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def run_json(argv: list[str], env: dict[str, str]) -> dict:
    """Run a client script that prints one JSON object as its last line of stdout."""
    done = subprocess.run(
        argv,
        cwd=HERE,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
        timeout=CLIENT_TIMEOUT,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"{argv[1]} printed nothing (exit {done.returncode}): {done.stderr}"
    result = json.loads(lines[-1])
    result["stderr"] = done.stderr[-2000:]
    return result


def serve(db: Path, *flags: str) -> Iterator[ServerProcess]:
    """``run.py serve`` for as long as the generator is open (a session fixture's body)."""
    server = start_server(db, *flags)
    # This session owns it: the e2e tests' per-test cleanup of STARTED must not stop it.
    STARTED.remove(server)
    try:
        yield server
    finally:
        server.kill_if_running()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The page's DOM once its scripts' fetches have ended, from headless Chromium.

    Virtual time does not advance while a fetch is pending, so the budget (virtual
    milliseconds, run as fast as the page allows) ends after the last answer arrived."""
    done = subprocess.run(
        [
            *(chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"),
            *(f"--user-data-dir={profile}", "--virtual-time-budget=60000", "--dump-dom", url),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=CLIENT_TIMEOUT,
    )
    assert done.returncode == 0, f"chromium exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def element_text(dom: str, element_id: str) -> str:
    found = re.search(rf'<pre id="{element_id}">(.*?)</pre>', dom, re.DOTALL)
    assert found, f"no #{element_id} in the page: {dom[:2000]}"
    return html.unescape(found.group(1))
