"""The event loop the API and the console run on (uvloop, unless ``SHOPKEEP_LOOP=asyncio``),
and the heap settled once start-up is done.

uvloop's transports and scheduling cost a token-authenticated request about a tenth
of its CPU time (``bench/http_bench.py``); aiohttp, aiosqlite, asyncpg, asyncssh and
Textual all run on it unchanged. The standard loop stays one variable away, for a
platform without uvloop's wheels or to rule it out when chasing a problem.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

LOOPS = ("uvloop", "asyncio")


def _named() -> str:
    return os.environ.get("SHOPKEEP_LOOP", "").strip().lower() or "uvloop"


def problem() -> str | None:
    """Why ``SHOPKEEP_LOOP`` cannot be used, or None."""
    name = _named()
    if name not in LOOPS:
        return f"SHOPKEEP_LOOP must be {' or '.join(LOOPS)}, not {name!r}"
    return None


def chosen() -> str:
    """The loop to run on: asyncio when ``SHOPKEEP_LOOP=asyncio`` or uvloop is not
    installed, else uvloop (an unknown name is ``problem``'s to report)."""
    if _named() == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the chosen loop (the same Ctrl-C handling)."""
    with asyncio.Runner(loop_factory=_factory(chosen())) as runner:
        return runner.run(main)


def settle_heap() -> None:
    """Once start-up is done: collect, then move what start-up built (modules, routes,
    the app, caches; most of the heap) out of the collector's reach, so a full
    collection walks only what requests made since. Under load the oldest generation's
    collections stopped every request for 13-24 ms before; they now take under 2 ms.
    For the serving processes only (not in tests, which would keep every test's heap)."""
    gc.collect()
    gc.freeze()
