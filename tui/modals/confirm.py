"""Yes/no confirmation: ``push_screen(ConfirmModal(...), callback)`` gets a bool."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tui.failures import Guarded
from tui.text import block
from tui.widgets.dialog import Dialog


class ConfirmModal(Guarded, Dialog[bool]):
    """``question``: Content built with ``tui.text.markup`` (data as text), or a str
    shown as plain text. It names the object and what cannot be undone; ``y`` or the
    yes button confirms, ``n``, Escape or Enter on the focused No button do nothing."""

    AUTO_FOCUS = "#no"

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
    ]

    def __init__(self, question: Content | str, *, yes: str = "Yes", danger: bool = False) -> None:
        super().__init__(classes="modal")
        self._question = question
        self._yes = yes
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            question = self._question
            shown = question if isinstance(question, Content) else block(question)
            yield Static(shown, id="question")
            with Horizontal(classes="buttons"):
                yield Button("No (n)", id="no")
                yield Button(
                    f"{self._yes} (y)", id="yes", variant="error" if self._danger else "primary"
                )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
