"""Create a user; change a user's role."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from service import accounts
from service.errors import ServiceError


class CreateUserModal(ModalScreen["accounts.User | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="user_form.cancel")]

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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.run_worker(self.submit(), exclusive=True)

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.run_worker(self.submit(), exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def submit(self) -> None:
        ctx = self.app.runtime.ctx  # type: ignore[attr-defined]
        try:
            user = await accounts.create_user(
                ctx,
                self.query_one("#email", Input).value,
                self.query_one("#password", Input).value,
                str(self.query_one("#role", Select).value),
                self.query_one("#display-name", Input).value or None,
            )
        except ServiceError as err:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in err.fields.items()]
            self.query_one("#form-errors", Static).update("\n".join(lines) or err.message)
            return
        self.dismiss(user)


class RoleModal(ModalScreen["str | None"]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="role.cancel")]

    def __init__(self, user: accounts.User) -> None:
        super().__init__(classes="modal")
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(f"Role for [b]{self.user.email}[/b]")
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
