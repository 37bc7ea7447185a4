"""The key footer of every screen and dialog: Textual's Footer with ``? Help`` first,
so the way to every other key stays visible when a narrow terminal cuts the rest."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

HELP_ACTIONS = ("help", "app.help")


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        first = [w for w in widgets if getattr(w, "action", None) in HELP_ACTIONS]
        yield from first[:1]
        yield from (w for w in widgets if w not in first)
