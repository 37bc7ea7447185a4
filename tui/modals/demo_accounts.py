"""The demo's generated accounts, shown once when the console starts on a fresh demo
database: a dialog the admin closes (Escape, Enter or the button), never a long
notification over the screen's forms."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.failures import Guarded
from tui.text import block
from tui.widgets.dialog import Dialog


class DemoAccountsModal(Guarded, Dialog[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="demo_accounts.close")]

    def __init__(self, notices: list[str]) -> None:
        super().__init__(classes="modal")
        self.notices = notices

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="demo-accounts"):
            yield Static("[b]Demo accounts[/b] (shown once: note the passwords now)")
            yield Static(block("\n".join(self.notices)), id="demo-notices")
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", variant="primary")

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
