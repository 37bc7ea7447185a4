"""What every console screen shares."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.failures import Guarded
from tui.host import UsesContext


class ConsoleScreen(Guarded, UsesContext, Screen[None]):
    """A top-level screen of the console (one per mode)."""

    TITLE_TEXT = ""

    def header_footer(self) -> tuple[Header, Footer]:
        return Header(), Footer()
