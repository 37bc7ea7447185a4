"""The demo shop made deterministic for snapshot tests (import as ``from snapshot_support ...``).

The demo seeds random passwords, token secrets, license keys and uuids, and dates relative
to now; the console shows times, uptime and request counts. For an SVG that is the same on
every run and machine, everything random or time-dependent is pinned here, in the test,
without a hook in service/ or tui/:

- randomness: ``secrets`` (token_urlsafe, token_hex, token_bytes, choice, randbelow) and
  ``uuid.uuid4`` draw from one seeded ``random.Random`` (:func:`seeded_secrets`);
- the clock: a :class:`FrozenClock` at :data:`FROZEN_AT` for the seed and the console;
- the Dashboard: its request statistics run on a frozen clock, with a fixed uptime and a
  fixed list of requests (:func:`fixed_stats`); local time is UTC (``TZ``);
- the header: the database is named relatively (the test runs in its temporary folder) and
  the API address is a fixed one; the API is not started, nothing on screen needs it.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import secrets
import sqlite3
import string
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from db_support import test_settings

from service.app.context import Context
from service.app.runtime import Runtime
from service.common.clock import FrozenClock
from service.common.stats import RequestStats
from service.demo import seed as demo
from tui.app import ConsoleApp

FROZEN_AT = datetime(2026, 5, 20, 9, 30, tzinfo=UTC)
SEED = 1405
DB_NAME = "shopkeep-demo.db"
SHOWN_ADDRESS = ("127.0.0.1", 8000)
UPTIME_S = 3 * 3600 + 25 * 60 + 7

# What the Dashboard lists: (method, path, status, ms), all in the last second.
REQUESTS: list[tuple[str, str, int, float]] = [
    ("GET", "/wp-json/wc/v3/products?per_page=20", 200, 12.4),
    ("POST", "/wp-json/woonoow/v1/cart/items", 201, 31.0),
    ("GET", "/api/v1/integrations/tokens/", 401, 0.8),
    ("PUT", "/wp-json/woonoow/v1/orders/12", 200, 48.2),
    ("GET", "/wp-json/lmfwc/v2/licenses/validate/SK-DEMO", 404, 3.3),
]


@contextmanager
def seeded_secrets(seed: int = SEED) -> Iterator[random.Random]:
    """Patch the process's sources of secrets and uuids with one seeded generator."""
    rng = random.Random(seed)
    urlsafe = string.ascii_letters + string.digits + "-_"

    def token_bytes(n: int | None = None) -> bytes:
        return rng.randbytes(32 if n is None else n)

    def token_hex(n: int | None = None) -> str:
        return token_bytes(n).hex()

    def token_urlsafe(n: int | None = None) -> str:
        # the same length as secrets.token_urlsafe: base64 of n bytes without padding
        size = 32 if n is None else n
        return "".join(rng.choice(urlsafe) for _ in range(-(-size * 4 // 3)))

    def uuid4() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(secrets, "token_bytes", token_bytes)
        patch.setattr(secrets, "token_hex", token_hex)
        patch.setattr(secrets, "token_urlsafe", token_urlsafe)
        patch.setattr(secrets, "choice", rng.choice)
        patch.setattr(secrets, "randbelow", rng.randrange)
        patch.setattr(uuid, "uuid4", uuid4)
        yield rng


@contextmanager
def utc_local_time() -> Iterator[None]:
    """Local time is UTC while the block runs (the Dashboard prints local times)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        try:
            yield
        finally:
            patch.undo()
            time.tzset()


async def _seed(db: Path) -> list[str]:
    ctx = await Context.open(test_settings(db, db.with_suffix(".log")), FrozenClock(FROZEN_AT))
    try:
        return await demo.seed(ctx)
    finally:
        await ctx.close()


def build_demo(db: Path) -> list[str]:
    """Seed the demo shop into ``db`` with frozen time and seeded secrets; returns the
    lines the first run shows once (the demo accounts and their passwords)."""
    with seeded_secrets():
        notices = asyncio.run(_seed(db))
    with sqlite3.connect(db) as conn:  # fold the WAL in, so a plain copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return notices


def fixed_stats() -> RequestStats:
    """Request statistics that read the same at any hour: frozen clock, fixed uptime."""
    at = FROZEN_AT.timestamp()
    stats = RequestStats(clock=lambda: at)
    stats.started_at = at - UPTIME_S
    for method, path, status, ms in REQUESTS:
        stats.record(method, path, status, ms)
    return stats


class SnapshotConsole(ConsoleApp):
    """The console over the deterministic demo: it opens its runtime inside its own event
    loop (``snap_compare`` runs the app with ``App.run``), and closes it on the way out."""

    # Textual reads CSS_PATH beside the class that names it: point at the console's own.
    CSS_PATH = str(Path(inspect.getfile(ConsoleApp)).with_name(str(ConsoleApp.CSS_PATH)))

    def __init__(self, runtime: Runtime, notices: list[str]) -> None:
        runtime.address = SHOWN_ADDRESS
        runtime.settings.site_url = "http://{}:{}".format(*SHOWN_ADDRESS)
        super().__init__(runtime)
        self._notices = notices

    async def run_async(self, **kwargs: Any) -> Any:
        await self.runtime.open()
        assert self.runtime.ctx is not None
        self.runtime.ctx.stats = fixed_stats()
        self.runtime.notices = list(self._notices)
        try:
            return await super().run_async(**kwargs)
        finally:
            await self.runtime.close()


def snapshot_console(folder: Path, notices: list[str] | None = None) -> SnapshotConsole:
    """A console over ``folder/DB_NAME`` (a copy of the built demo); the caller has made
    ``folder`` the working directory so the header names the database the same way
    everywhere. ``notices``: the demo accounts notice, as on the demo's first run."""
    settings = test_settings(Path(DB_NAME), folder / "console.log")
    return SnapshotConsole(Runtime(settings, FrozenClock(FROZEN_AT)), notices or [])
