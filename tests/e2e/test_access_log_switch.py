"""``--no-access-log`` (or SHOPKEEP_ACCESS_LOG=0): no line per request in the log file,
for a deployment whose proxy keeps its own; the Dashboard still counts every request."""

from __future__ import annotations

import signal
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from support import start_server
from wait_support import until

from service.app.runtime import Runtime
from service.common.config import Settings


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status


@pytest.mark.parametrize("how", ["flag", "env"])
def test_serve_without_access_log_writes_no_request_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "env":
        monkeypatch.setenv("SHOPKEEP_ACCESS_LOG", "0")
    server = start_server(tmp_path / "quiet.db", *(["--no-access-log"] if how == "flag" else []))
    assert _get(server.url + "/wp-json/") == 200
    assert server.stop(signal.SIGTERM) == 0
    log = (tmp_path / "quiet.log").read_text()
    assert "shopkeep.access" not in log and '"GET /wp-json/"' not in log


def test_with_the_access_log_on_by_default_each_request_has_its_line(tmp_path: Path) -> None:
    server = start_server(tmp_path / "loud.db")
    assert _get(server.url + "/wp-json/") == 200
    assert server.stop(signal.SIGTERM) == 0
    assert '"GET /wp-json/" 200' in (tmp_path / "loud.log").read_text()


async def test_the_dashboard_counts_requests_without_the_access_log(settings: Settings) -> None:
    settings.port, settings.access_log = 0, False
    runtime = Runtime(settings)
    ctx = await runtime.open()
    try:
        url = await runtime.start_api()
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                async with http.get(f"{url}/wp-json/") as resp:
                    assert resp.status == 200
        await until(lambda: ctx.stats.total == 3, what="three requests counted")
        assert [r.path for r in ctx.stats.recent] == ["/wp-json/"] * 3
    finally:
        await runtime.close()
