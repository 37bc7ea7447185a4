"""What every console screen shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.failures import Guarded

if TYPE_CHECKING:
    from service.app.context import Context
    from service.app.runtime import Runtime


class ConsoleScreen(Guarded, Screen):
    """A top-level screen of the console (one per mode)."""

    TITLE_TEXT = ""

    @property
    def runtime(self) -> Runtime:
        return self.app.runtime  # type: ignore[attr-defined]

    @property
    def ctx(self) -> Context:
        assert self.runtime.ctx is not None
        return self.runtime.ctx

    def header_footer(self) -> tuple[Header, Footer]:
        return Header(), Footer()
