"""A long text read in full (an order note, a description): a scrollable block with its
line breaks, and a Close button that stays in view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.failures import Guarded
from tui.text import block, markup
from tui.widgets.dialog import Dialog

FULL_TEXT = 100_000  # characters: far above any note or description the shop accepts


class TextModal(Guarded, Dialog[None]):
    """``title`` and ``about`` are text (they may name data); ``text`` is shown whole."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="text_view.close")]

    def __init__(self, title: str, text: str, *, about: str = "") -> None:
        super().__init__(classes="modal")
        self._title = title
        self._text = text
        self._about = about

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box modal-text", id="text-view"):
            heading = "[b]$title[/b]" + ("\n$about" if self._about else "")
            yield Static(markup(heading, title=self._title, about=self._about))
            with VerticalScroll(id="text-body"):
                yield Static(block(self._text, FULL_TEXT), id="text-content")
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#text-body", VerticalScroll).focus()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
