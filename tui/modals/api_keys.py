"""A user's WooCommerce REST API keys and application passwords: list them, revoke the
selected one after a confirmation. The service functions the CLI (``run.py users
api-keys`` / ``revoke-api-key``) and the API call, with the console's actor: a shop
manager signed in over SSH sees and revokes only their own, an administrator anyone's.

A key is shown as WooCommerce shows it, ``…`` and the last 7 characters of the
consumer key (all that is kept in the clear); the secret and the passwords are never
kept, so never shown. New ones are made on the Users screen (``k``, ``p``)."""

from __future__ import annotations

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Static

from service.accounts import api_keys
from service.accounts import users as accounts
from service.common.errors import ServiceError
from tui.failures import Guarded
from tui.format import moment
from tui.host import UsesContext
from tui.messages import DataChanged
from tui.modals.confirm import ConfirmModal
from tui.text import ELLIPSIS, Cell, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table

API_KEY_TABLE = "api-key-table"
APP_PASSWORD_TABLE = "app-password-table"


class ApiKeysModal(Guarded, UsesContext, Dialog[None]):
    HELP_NAME = "API keys dialog"
    BINDINGS = [
        Binding("d", "revoke", "Revoke selected", id="api_keys.revoke"),
        Binding("escape", "close", "Close", id="api_keys.close"),
    ]
    DEFAULT_CSS = """
    #api-key-table, #app-password-table { height: auto; max-height: 6; }
    """

    def __init__(self, user: accounts.User) -> None:
        super().__init__(classes="modal")
        self._user = user
        self._keys: dict[str, api_keys.ApiKeyInfo] = {}
        self._passwords: dict[str, accounts.AppPasswordInfo] = {}
        self._table_id = API_KEY_TABLE  # the list ``d`` revokes from: the last focused
        self._refusal = ""  # the service's refusal to list them, notified once

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="api-keys"):
            yield Static(
                markup(
                    "[b]API keys and application passwords of $email[/b]", email=self._user.email
                )
            )
            yield Label("WooCommerce REST API keys", id="api-key-title")
            # Last access before created: at 80 columns the last column is the one
            # scrolled out of view (the description stays).
            keys: DataTable[Cell] = Table(
                id=API_KEY_TABLE, cursor_type="row", zebra_stripes=True, fixed_columns=1
            )
            keys.add_columns("description", "key", "permissions", "last access", "created")
            yield keys
            yield Label("Application passwords", id="app-password-title")
            passwords: DataTable[Cell] = Table(
                id=APP_PASSWORD_TABLE, cursor_type="row", zebra_stripes=True, fixed_columns=1
            )
            passwords.add_columns("name", "last used", "created")
            yield passwords
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="cancel")
                yield Button("Revoke selected (d)", id="revoke", variant="error")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(f"#{API_KEY_TABLE}", DataTable).focus()

    def on_data_changed(self, _: DataChanged) -> None:
        """Another console, the CLI or the API changed them (or a key was used)."""
        self.reload()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, DataTable) and event.widget.id:
            self._table_id = event.widget.id

    @work(exclusive=True, group="api-keys")
    async def reload(self) -> None:
        try:
            keys = await api_keys.list_for_user(self.ctx, self.actor, self._user.id)
            passwords = await accounts.list_app_passwords(self.ctx, self._user.id, actor=self.actor)
            self._refusal = ""
        except ServiceError as err:
            keys, passwords = [], []
            if err.message != self._refusal:
                self.notify(err.message, severity="error")
            self._refusal = err.message
        self._keys = {str(k.id): k for k in keys}
        self._passwords = {p.uuid: p for p in passwords}
        key_rows: list[tuple[str, tuple[Cell, ...]]] = []
        for k in keys:
            key_rows.append(
                (
                    str(k.id),
                    (
                        cell(k.description, 30),
                        cell(ELLIPSIS + k.truncated_key, 10),
                        cell(k.permissions),
                        moment(k.last_access, empty="never"),
                        moment(k.created_at),
                    ),
                )
            )
        password_rows: list[tuple[str, tuple[Cell, ...]]] = []
        for p in passwords:
            password_rows.append(
                (
                    p.uuid,
                    (
                        cell(p.label, 40),
                        moment(p.last_used_at, empty="never"),
                        moment(p.created_at),
                    ),
                )
            )
        self._fill(API_KEY_TABLE, key_rows)
        self._fill(APP_PASSWORD_TABLE, password_rows)

    def _fill(self, table_id: str, rows: list[tuple[str, tuple[Cell, ...]]]) -> None:
        """Replace the rows of a table, the cursor staying on the row it was on."""
        table = self.query_one(f"#{table_id}", DataTable)
        before = self._selected_key(table)
        table.clear()
        for key, values in rows:
            table.add_row(*values, key=key)
        if before is not None and before in table.rows:
            table.move_cursor(row=table.get_row_index(before))

    @staticmethod
    def _selected_key(table: DataTable[Cell]) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_revoke()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="api-keys-change")
    async def action_revoke(self) -> None:
        table = self.query_one(f"#{self._table_id}", DataTable)
        key = self._selected_key(table)
        if self._table_id == API_KEY_TABLE:
            info = self._keys.get(key or "")
            if info is None:
                self.notify("Choose an API key to revoke.", severity="warning")
                return
            await self._revoke_api_key(info)
        else:
            password = self._passwords.get(key or "")
            if password is None:
                self.notify("Choose an application password to revoke.", severity="warning")
                return
            await self._revoke_app_password(password)
        self.reload()

    async def _revoke_api_key(self, info: api_keys.ApiKeyInfo) -> None:
        question = markup(
            "Revoke the API key [b]$description[/b] ($key, $permissions) of $email?\n"
            "Every request made with it is refused from now on; this cannot be undone.",
            description=info.description,
            key=ELLIPSIS + info.truncated_key,
            permissions=info.permissions,
            email=self._user.email,
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Revoke", danger=True)):
            return
        try:
            await api_keys.revoke(self.ctx, self.actor, info.id)
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(f"Revoked the API key {info.description}.", title="Revoked")

    async def _revoke_app_password(self, password: accounts.AppPasswordInfo) -> None:
        question = markup(
            "Revoke the application password [b]$label[/b] of $email?\n"
            "Signing in with it is refused from now on; this cannot be undone.",
            label=password.label,
            email=self._user.email,
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Revoke", danger=True)):
            return
        try:
            await accounts.revoke_app_password(
                self.ctx, self._user.id, password.uuid, actor=self.actor
            )
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(f"Revoked the application password {password.label}.", title="Revoked")
