"""A new WordPress application password for a user: the admin names it (the label
WordPress lists it by), then the caller reveals the password once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from service.accounts import users as accounts
from tui.modals.form import FormModal
from tui.text import markup


class AppPasswordModal(FormModal[str]):
    """Returns the new password (shown once by the caller), or None when cancelled."""

    def __init__(self, user: accounts.User) -> None:
        super().__init__(classes="modal")
        self._user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="app-password-form"):
            yield Static(
                markup("[b]New application password for $email[/b]", email=self._user.email)
            )
            yield Label("Label: where it will be used, e.g. the app or site (1-100 characters)")
            yield Input(compact=True, id="label", max_length=100)
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Create", id="create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#label", Input).focus()

    async def submit(self) -> str:
        label = self.query_one("#label", Input).value
        _, password = await accounts.create_app_password(
            self.ctx, self._user.id, label, actor=self.actor
        )
        return password
