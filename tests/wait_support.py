"""Waiting on conditions instead of sleeping (import as ``from wait_support import ...``).

The deadlines are generous limits for a stuck test, never a measure of speed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

DEADLINE_S = 30.0


async def until(
    condition: Callable[[], Any], pilot: Any = None, *, within: float = DEADLINE_S, what: str = ""
) -> None:
    """Poll ``condition`` until it is truthy; between polls let the app (if any) run."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not _holds(condition):
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {within:.0f} s: {what or condition}")
        if pilot is not None:
            await pilot.pause()
        await asyncio.sleep(0.01)


def _holds(condition: Callable[[], Any]) -> bool:
    try:
        return bool(condition())
    except LookupError:  # a widget or row that is not there yet (NoMatches, IndexError, ...)
        return False


async def settled(pilot: Any, *, within: float = DEADLINE_S) -> None:
    """Until the console has handled its pending messages and no worker is left running."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        if not busy:
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            if all(w.is_finished for w in app.workers):
                return
        if loop.time() > deadline:
            raise AssertionError(f"the console is still busy after {within:.0f} s: {busy}")
        await app.workers.wait_for_complete(busy or None)
