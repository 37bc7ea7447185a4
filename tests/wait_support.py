"""Waiting on conditions instead of sleeping (import as ``from wait_support import ...``).

The deadlines are generous limits for a stuck test, never a measure of speed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.widgets import Button, DataTable

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
    except (LookupError, NoMatches):  # a widget or row not there yet (or IndexError, ...)
        return False


async def settled(pilot: Any, *, within: float = DEADLINE_S) -> None:
    """Until the console has handled its pending messages, no worker of the screen on view
    is left running (a worker under a modal is waiting for that modal: not busy) and no
    button is still showing its press."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    quiet = 0
    while quiet < 2:  # two quiet looks in a row: nothing was about to start a worker
        await pilot.pause()
        busy = _busy(app) + _pressed_buttons(app) + _unmeasured_tables(app) + _unpainted(app)
        if busy:
            quiet = 0
            if loop.time() > deadline:
                raise AssertionError(f"the console is still busy after {within:.0f} s: {busy}")
            await asyncio.sleep(0.01)
        else:
            quiet += 1
            await pilot.wait_for_scheduled_animations()


def _unmeasured_tables(app: Any) -> list[Any]:
    """Tables whose new rows are drawn but not yet measured, or measured but not yet laid
    out again: DataTable sizes its columns on its next Idle and then asks for a layout,
    so a picture taken before both shows the rows cut at the header's width: rows drawn
    before the measurement stay cached until the Resize that the new width brings.
    (Textual keeps this state private; these attributes are all there is to read.)"""
    return [
        t
        for t in app.screen.query(DataTable)
        if t._require_update_dimensions
        or t._updated_cells
        or t._new_rows
        or t._layout_required
        or t._repaint_required
        or t.message_queue_size  # a Resize after the measurement clears its row cache
    ]


def _unpainted(app: Any) -> list[Any]:
    """The screen on view, when it still has a layout or a repaint to do."""
    screen = app.screen
    pending = screen._layout_required or screen._repaint_required or screen._dirty_widgets
    return [screen] if pending else []


def _pressed_buttons(app: Any) -> list[Any]:
    """Buttons still showing their press (about 0.2 s); a click then is ignored."""
    return [b for b in app.screen.query(Button) if b.has_class("-active")]


def _busy(app: Any) -> list[Any]:
    return [w for w in app.workers if not w.is_finished and _on_view(w.node, app)]


def _on_view(node: Any, app: Any) -> bool:
    if node is app:
        return True
    try:
        return node.screen is app.screen
    except LookupError:  # a node no longer mounted on any screen
        return False
