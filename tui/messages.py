"""Messages the console passes between its parts."""

from __future__ import annotations

from textual.message import Message


class StatsChanged(Message):
    """New requests reached the API (coalesced, a few times a second at most)."""


class DataChanged(Message):
    """Stored data changed (this process or another; coalesced, at most about once a
    second). Sent to every screen of the current stack: each reloads what it shows."""
