"""The one-time reveal of a new secret (the token guide's "token created" modal).

The secret lives only in this modal: once it closes, nothing in the console can
show it again. Copying uses OSC 52 (``App.copy_to_clipboard``), which reaches the
admin's own terminal over SSH.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.failures import Guarded
from tui.text import markup
from tui.widgets.dialog import Dialog

WARNING_FA = "⚠ این token فقط یکبار نمایش داده می‌شود. حتماً آن را کپی کنید!"
WARNING_EN = "This token is shown only once. Copy it now: it cannot be shown again."
TOKEN_STEPS = (
    "Next steps:\n"
    "  1. Copy this token (c).\n"
    "  2. Open your WordPress admin.\n"
    "  3. Go to Plugins > Pilito Product Sync.\n"
    "  4. Paste the token into its settings and save."
)


class RevealSecretModal(Guarded, Dialog[None]):
    """``title`` is text (it may name data), shown in bold, never parsed as markup."""

    BINDINGS = [
        Binding("c", "copy", "Copy", id="reveal.copy"),
        Binding("escape,enter", "close", "Got it, close", id="reveal.close"),
    ]

    def __init__(
        self,
        title: str,
        secret: str,
        *,
        steps: str = TOKEN_STEPS,
        warning: str = WARNING_EN,
        warning_fa: str | None = WARNING_FA,
    ) -> None:
        super().__init__(classes="modal")
        self._title = title
        self._secret: str | None = secret
        self._steps = steps
        self._warning = warning
        self._warning_fa = warning_fa

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="reveal-box"):
            yield Static(markup("[b]✅ $title[/b]", title=self._title))
            if self._warning_fa:
                yield Static(self._warning_fa, classes="warning")
            yield Static(self._warning, classes="warning")
            yield Static(self._secret or "", id="secret", classes="secret", markup=False)
            yield Static(self._steps, id="steps")
            with Horizontal(classes="buttons"):
                yield Button("Copy (c)", id="copy", variant="success")
                yield Button("Got it, close (enter)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.action_close()

    def action_copy(self) -> None:
        if self._secret:
            self.app.copy_to_clipboard(self._secret)
            self.notify(
                "Copied to the clipboard (needs a terminal with OSC 52 support).", title="Copied"
            )

    def action_close(self) -> None:
        self._secret = None
        self.query_one("#secret", Static).update("")
        self.dismiss(None)
