"""A user's SSH keys (the console over SSH): list them, add one from pasted text, remove
the selected one. The same service functions as ``run.py users ssh-key``."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from service.accounts import ssh_keys
from service.accounts.users import User
from service.common.errors import ServiceError
from tui.failures import Guarded
from tui.format import moment
from tui.host import UsesContext
from tui.modals.confirm import ConfirmModal
from tui.text import Cell, block, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table


class SshKeysModal(Guarded, UsesContext, Dialog[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="ssh_keys.close")]
    DEFAULT_CSS = """
    #ssh-key-table { height: auto; max-height: 10; }
    """

    def __init__(self, user: User) -> None:
        super().__init__(classes="modal")
        self._user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="ssh-keys"):
            yield Static(markup("[b]SSH keys of $email[/b]", email=self._user.email))
            yield Static(
                "They open the console over SSH: ssh -p PORT EMAIL@HOST"
                if ssh_keys.may_open_console(self._user)
                else "Only active administrators and shop managers may open the console.",
                classes="" if ssh_keys.may_open_console(self._user) else "warning",
            )
            table: DataTable[Cell] = Table(
                id="ssh-key-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("fingerprint", "type", "comment", "added", "last used")
            yield table
            yield Label("Add a public key (paste one line of a .pub file)")
            yield Input(
                compact=True,
                id="ssh-key-text",
                placeholder="ssh-ed25519 AAAA... you@laptop",
                max_length=ssh_keys.MAX_KEY_TEXT,
            )
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="cancel")
                yield Button("Remove selected", id="remove", variant="error")
                yield Button("Add", id="add", variant="primary")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#ssh-key-text", Input).focus()

    @work(exclusive=True, group="ssh-keys")
    async def reload(self) -> None:
        table = self.query_one("#ssh-key-table", DataTable)
        table.clear()
        for key in await ssh_keys.list_for_user(self.ctx, self._user.id, actor=self.actor):
            table.add_row(
                key.fingerprint,
                key.key_type,
                cell(key.comment),
                moment(key.created_at),
                moment(key.last_used_at, empty="never"),
                key=key.fingerprint,
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        elif event.button.id == "remove":
            self.remove_selected()
        else:
            self.add_key()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.add_key()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="ssh-keys-change")
    async def add_key(self) -> None:
        text = self.query_one("#ssh-key-text", Input)
        errors = self.query_one("#form-errors", Static)
        try:
            key = await ssh_keys.add(self.ctx, self._user.id, text.value, actor=self.actor)
        except ServiceError as err:
            errors.update(block(" ".join(err.fields.get("public_key", [])) or err.message))
            return
        errors.update("")
        text.value = ""
        self.notify(f"Added {key.fingerprint} for {self._user.email}.")
        self.reload()

    @work(exclusive=True, group="ssh-keys-change")
    async def remove_selected(self) -> None:
        table = self.query_one("#ssh-key-table", DataTable)
        if not table.row_count:
            return
        fingerprint = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not fingerprint:
            return
        question = markup(
            "Remove the key [b]$fingerprint[/b] of $email?\nIt no longer opens the console.",
            fingerprint=fingerprint,
            email=self._user.email,
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Remove", danger=True)):
            return
        try:
            await ssh_keys.remove(self.ctx, self._user.id, fingerprint, actor=self.actor)
        except ServiceError as err:
            self.notify(err.message, severity="error")
        self.reload()
