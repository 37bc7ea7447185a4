"""Create a user; change a user's role."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from service.accounts import users as accounts
from tui.failures import Guarded
from tui.modals.form import FormModal
from tui.text import markup
from tui.widgets.dialog import Dialog


class CreateUserModal(FormModal["accounts.User"]):
    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="user-form"):
            yield Static("[b]New user[/b]")
            yield Label("Email")
            yield Input(compact=True, id="email")
            yield Label("Display name")
            yield Input(compact=True, id="display-name")
            yield Label("Role")
            yield Select(
                compact=True,
                options=[(r, r) for r in accounts.ROLES],
                value="customer",
                allow_blank=False,
                id="role",
            )
            yield Label(f"Password (at least {accounts.MIN_PASSWORD} characters)")
            yield Input(compact=True, password=True, id="password")
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Create", id="create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    async def submit(self) -> accounts.User:
        return await accounts.create_user(
            self.ctx,
            self.query_one("#email", Input).value,
            self.query_one("#password", Input).value,
            str(self.query_one("#role", Select).value),
            self.query_one("#display-name", Input).value or None,
            actor=self.actor,
        )


class RoleModal(Guarded, Dialog["str | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="role.cancel")]

    def __init__(self, user: accounts.User) -> None:
        super().__init__(classes="modal")
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(markup("Role for [b]$email[/b]", email=self.user.email))
            yield Select(
                compact=True,
                options=[(r, r) for r in accounts.ROLES],
                value=self.user.role,
                allow_blank=False,
                id="role",
            )
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(
            str(self.query_one("#role", Select).value) if event.button.id == "save" else None
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
