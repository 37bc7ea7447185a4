"""Messages the console passes between its parts."""

from __future__ import annotations

from textual.message import Message


class StatsChanged(Message):
    """New requests reached the API (coalesced, a few times a second at most)."""
