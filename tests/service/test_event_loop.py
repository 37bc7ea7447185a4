"""The loop the API and the console run on: uvloop by default, asyncio's own on request,
an unknown name refused before anything starts."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from support import REPO, start_server

from service.app import loop


async def _running_loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.parametrize(("setting", "expected"), [(None, "uvloop"), ("asyncio", "asyncio")])
def test_run_uses_the_chosen_loop(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, expected: str
) -> None:
    if setting is None:
        monkeypatch.delenv("SHOPKEEP_LOOP", raising=False)
    else:
        monkeypatch.setenv("SHOPKEEP_LOOP", setting)
    assert loop.problem() is None
    assert loop.run(_running_loop_module()).split(".")[0] == expected


def test_serve_answers_on_the_standard_loop_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPKEEP_LOOP", "asyncio")
    server = start_server(tmp_path / "asyncio.db")
    with urllib.request.urlopen(server.url + "/wp-json/", timeout=5) as r:
        assert r.status == 200
    assert server.stop(signal.SIGTERM) == 0


@pytest.mark.parametrize("command", ["serve", "console"])
def test_an_unknown_loop_is_refused_in_one_line(tmp_path: Path, command: str) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "run.py"), command, "--db", str(tmp_path / "x.db")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "SHOPKEEP_LOOP": "tokio\x1b[2J"},
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "SHOPKEEP_LOOP" in result.stderr
    assert "\x1b" not in result.stderr
    assert not (tmp_path / "x.db").exists()
