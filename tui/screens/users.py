"""Users: list, create, change role, deactivate; and the guide's admin flow, a new
integration token (or application password) for a chosen user; a user's API keys and
application passwords, to revoke one (``K``).

Everything is done as the console's actor: someone who is not an administrator (a shop
manager over SSH) sees only their own account and none of the keys that manage others."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from service.accounts import users as accounts
from service.common import throttle
from service.common.errors import ServiceError
from tui.format import moment
from tui.messages import DataChanged
from tui.modals.api_key_form import API_KEY_STEPS, ApiKeyFormModal
from tui.modals.api_keys import ApiKeysModal
from tui.modals.app_password_form import AppPasswordModal
from tui.modals.confirm import ConfirmModal
from tui.modals.reveal import RevealSecretModal
from tui.modals.ssh_keys import SshKeysModal
from tui.modals.token_form import GenerateTokenModal
from tui.modals.user_form import CreateUserModal, RoleModal
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.text import Cell, cell, markup
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.table import Table

APP_PASSWORD_STEPS = (
    "Use it with HTTP Basic auth on /wp-json/: the user's email (or display name)\n"
    "and this password. Spaces are optional."
)


# The email names the account and stays put when the table scrolls sideways.
COLUMNS = ("email", "role", "status", "name", "created", "id")
# Actions on other people's accounts: administrators only (service/accounts/users.py).
ADMIN_ACTIONS = frozenset({"create", "role", "toggle_active", "unlock"})


class UsersScreen(ConsoleScreen):
    TITLE_TEXT = "Users"
    PALETTE = (
        ScreenCommand("Create a user", "an account with a role", "create"),
        ScreenCommand("Change a user's role", "the selected user", "role"),
        ScreenCommand("New token for a user", "an integration token, selected user", "token"),
        ScreenCommand("New WooCommerce API key", "for the selected user", "api_key"),
        ScreenCommand("New application password", "for the selected user", "app_password"),
        ScreenCommand(
            "Revoke an API key or application password",
            "list the selected user's, revoke one",
            "api_keys",
        ),
    )
    BINDINGS = [
        Binding("c", "create", "New user", id="users.create"),
        Binding("e", "role", "Change role", id="users.role"),
        Binding("x", "toggle_active", "(De)activate", id="users.active"),
        Binding("t", "token", "New token for user", id="users.token"),
        Binding("p", "app_password", "App password", id="users.app_password"),
        Binding("u", "unlock", "Unlock sign-in", id="users.unlock"),
        Binding("k", "api_key", "WooCommerce API key", id="users.api_key"),
        Binding(
            "K",
            "api_keys",
            "Revoke keys",
            tooltip="List and revoke the user's API keys, app passwords",
            id="users.api_keys",
        ),
        Binding("s", "ssh_keys", "SSH keys", id="users.ssh_keys"),
    ]

    def __init__(self) -> None:
        super().__init__(id="users")
        self.users: dict[int, accounts.User] = {}

    def compose(self) -> ComposeResult:
        yield NavBar()
        table: DataTable[Cell] = Table(
            id="user-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        table.add_columns(*COLUMNS)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_focus(self.query_one("#user-table", DataTable))

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    @work(exclusive=True, group="users-reload")
    async def reload(self) -> None:
        table = self.query_one("#user-table", DataTable)
        selected = self.selected()
        users = await accounts.list_users(self.ctx, actor=self.actor)
        locks = await self.ctx.guesses.locks()
        table.clear()
        self.users = {u.id: u for u in users}
        for u in users:
            lock = throttle.describe(throttle.lock_of(locks, u.email, u.display_name))
            status = "active" if u.is_active else "inactive"
            table.add_row(
                cell(u.email, 30),
                cell(u.role),
                f"{status} · {lock}" if lock else status,  # our words only, no data
                cell(u.display_name, 24),
                moment(u.created_at),
                str(u.id),
                key=str(u.id),
            )
        if selected and selected.id in self.users:
            table.move_cursor(row=table.get_row_index(str(selected.id)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ADMIN_ACTIONS and not self.actor.is_admin:
            return False  # hidden: the service would refuse it
        return super().check_action(action, parameters)

    def selected(self) -> accounts.User | None:
        table = self.query_one("#user-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.users.get(int(key)) if key else None

    @work
    async def action_create(self) -> None:
        user = await self.app.push_screen_wait(CreateUserModal())
        if user is not None:
            self.notify(f"Created {user.email} ({user.role}).")
            self.reload()

    @work
    async def action_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        role = await self.app.push_screen_wait(RoleModal(user))
        if not role or role == user.role:
            return
        question = markup(
            "Change the role of user [b]$email[/b] from $old to [b]$new[/b]?",
            email=user.email,
            old=user.role,
            new=role,
        ) + ("\nThey lose the administrator's rights at once." if user.is_admin else "")
        confirm = ConfirmModal(question, yes="Change role", danger=user.is_admin)
        if await self.app.push_screen_wait(confirm):
            await self._update(user, role=role)

    @work
    async def action_toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        verb = "Deactivate" if user.is_active else "Reactivate"
        question = markup(f"{verb} user [b]$email[/b]?", email=user.email) + (
            "\nTheir sessions end and their integration tokens stop working."
            if user.is_active
            else ""
        )
        if await self.app.push_screen_wait(ConfirmModal(question, yes=verb, danger=user.is_active)):
            await self._update(user, is_active=not user.is_active)

    async def _update(self, user: accounts.User, **changes: Any) -> None:
        try:
            updated = await accounts.update_user(self.ctx, user.id, **changes, actor=self.actor)
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(
            f"{updated.email}: {updated.role}, {'active' if updated.is_active else 'inactive'}."
        )
        self.reload()

    @work
    async def action_unlock(self) -> None:
        """Forget the failed sign-ins counted against the user (an address locked for
        guessing many accounts stays locked)."""
        user = self.selected()
        if user is None:
            return
        question = markup(
            "Unlock sign-in for [b]$email[/b]?\nFailed attempts are forgotten.", email=user.email
        )
        confirm = ConfirmModal(question, yes="Unlock")
        if await self.app.push_screen_wait(confirm):
            try:
                await accounts.unlock_sign_in(self.ctx, user, actor=self.actor)
            except ServiceError as err:
                self.notify(err.message, severity="error")
                return
            self.notify(f"Unlocked {user.email}.", markup=False)
            self.reload()

    @work
    async def action_token(self) -> None:
        user = self.selected()
        if user is None:
            return
        if not user.is_active:
            self.notify("Reactivate the user first.", severity="warning")
            return
        issued = await self.app.push_screen_wait(
            GenerateTokenModal(list(self.users.values()), owner_id=user.id)
        )
        if issued is not None:
            await self.app.push_screen_wait(
                RevealSecretModal(
                    f"Token created for {issued.info.user_email}: {issued.info.name}", issued.token
                )
            )

    @work
    async def action_app_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password = await self.app.push_screen_wait(AppPasswordModal(user))
        if password is None:
            return
        await self.app.push_screen_wait(
            RevealSecretModal(
                f"Application password for {user.email}",
                password,
                steps=APP_PASSWORD_STEPS,
                warning="This password is shown only once. Copy it now.",
                warning_fa=None,
            )
        )

    @work
    async def action_api_key(self) -> None:
        user = self.selected()
        if user is None:
            return
        new = await self.app.push_screen_wait(ApiKeyFormModal(user))
        if new is None:
            return
        await self.app.push_screen_wait(
            RevealSecretModal(
                f"API key for {user.email}: {new.info.description} ({new.info.permissions})",
                f"{new.consumer_key}\n{new.consumer_secret}",
                steps=API_KEY_STEPS,
                warning="The consumer secret is shown only once. Copy it now.",
                warning_fa=None,
            )
        )

    def action_api_keys(self) -> None:
        """The selected user's API keys and application passwords, to revoke one."""
        user = self.selected()
        if user is not None:
            self.app.push_screen(ApiKeysModal(user))

    def action_ssh_keys(self) -> None:
        user = self.selected()
        if user is not None:
            self.app.push_screen(SshKeysModal(user))
