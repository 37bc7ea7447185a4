"""Tokens: the token guide's "Settings > Integrations > Store" card, keyboard-first.

g generates (then the one-time reveal), r regenerates, d revokes, enter shows
details with the token's recent webhook events, / filters, a shows revoked too.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from service.accounts import users as accounts
from service.common.errors import ServiceError
from service.integrations import tokens
from tui.format import ago
from tui.messages import DataChanged
from tui.modals.confirm import ConfirmModal
from tui.modals.reveal import RevealSecretModal
from tui.modals.token_detail import TokenDetailModal
from tui.modals.token_form import GenerateTokenModal
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.text import Cell, cell, markup
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.table import Table

PAGE = 100
# The name stays put when the table scrolls sideways; what an admin decides on (status,
# owner) comes before the details.
COLUMNS = ("name", "status", "owner", "type", "usage", "last used", "preview")


class TokensScreen(ConsoleScreen):
    TITLE_TEXT = "Tokens"
    HELP_DIALOGS = (TokenDetailModal,)
    PALETTE = (
        ScreenCommand("Generate a token", "a new integration token for a user", "generate"),
        ScreenCommand("Regenerate a token", "the selected token (asks first)", "regenerate"),
        ScreenCommand("Revoke a token", "the selected token (asks first)", "revoke"),
    )
    BINDINGS = [
        Binding("g", "generate", "Generate", id="tokens.generate"),
        Binding("r", "regenerate", "Regenerate", id="tokens.regenerate"),
        Binding("d", "revoke", "Revoke", id="tokens.revoke"),
        Binding("enter", "details", "Details", id="tokens.details"),
        Binding("slash", "filter", "Filter", key_display="/", id="tokens.filter", priority=True),
        Binding("a", "toggle_revoked", "Show revoked", id="tokens.revoked"),
    ]

    def __init__(self) -> None:
        super().__init__(id="tokens")
        self.show_revoked = False
        self.rows: dict[str, tokens.TokenInfo] = {}
        self.pages = 1  # pages of PAGE rows loaded
        self.total = 0

    def compose(self) -> ComposeResult:
        yield NavBar()
        with Horizontal(id="tokens-bar", classes="bar"):
            yield Input(
                placeholder="filter by name, preview or owner (/)", id="token-filter", compact=True
            )
            yield Static("", id="token-count", classes="bar-info")
        table: DataTable[Cell] = Table(
            id="token-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        table.add_columns(*COLUMNS)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_focus(self.query_one("#token-table", DataTable))

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.pages = 1
        self.reload()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.set_focus(self.query_one("#token-table", DataTable))

    @work(exclusive=True, group="tokens-reload")
    async def reload(self) -> None:
        """Pages 1..``self.pages`` (the cursor on the last row asks for one more)."""
        search = self.query_one("#token-filter", Input).value.strip() or None
        filters = tokens.TokenFilters(search=search, include_revoked=self.show_revoked)
        items: list[tokens.TokenInfo] = []
        for number in range(1, self.pages + 1):
            page = await tokens.list_tokens(
                self.ctx, self.actor, filters, page=number, page_size=PAGE
            )
            items.extend(page.items)
            if len(page.items) < PAGE:
                break
        self.show(list({info.id: info for info in items}.values()), page.count)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        last = event.cursor_row >= event.data_table.row_count - 1
        if last and self.total > len(self.rows) and len(self.rows) >= self.pages * PAGE:
            self.pages += 1
            self.reload()

    def show(self, items: list[tokens.TokenInfo], total: int) -> None:
        table = self.query_one("#token-table", DataTable)
        selected = self.selected_id()
        now = self.ctx.clock.now()
        table.clear()
        self.rows = {}
        for info in items:
            self.rows[info.id] = info
            table.add_row(
                cell(info.name, 24),
                cell(info.status),
                cell(info.user_email, 28),
                cell(info.integration_type),
                str(info.usage_count),
                ago(info.last_used_at, now),
                cell(info.token_preview),
                key=info.id,
            )
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.total = total
        shown = f"{len(items)} of {total} (↓ for more)" if total > len(items) else str(total)
        self.query_one("#token-count", Static).update(f"{shown} token{'' if total == 1 else 's'}")

    def selected_id(self) -> str | None:
        table = self.query_one("#token-table", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value

    def selected(self) -> tokens.TokenInfo | None:
        token_id = self.selected_id()
        return self.rows.get(token_id) if token_id else None

    # -- actions ---------------------------------------------------------------
    def action_filter(self) -> None:
        self.set_focus(self.query_one("#token-filter", Input))

    def action_toggle_revoked(self) -> None:
        self.show_revoked = not self.show_revoked
        self.notify(
            "Showing revoked tokens too." if self.show_revoked else "Hiding revoked tokens."
        )
        self.reload()

    @work
    async def action_generate(self, owner_id: int | None = None) -> None:
        users = await accounts.list_users(self.ctx, actor=self.actor)
        issued = await self.app.push_screen_wait(GenerateTokenModal(users, owner_id))
        if issued is not None:
            await self.reveal(issued, "Token created")

    async def reveal(self, issued: tokens.IssuedToken, title: str) -> None:
        self.reload()
        await self.app.push_screen_wait(
            RevealSecretModal(
                f"{title}: {issued.info.name} ({issued.info.user_email})", issued.token
            )
        )

    @work
    async def action_regenerate(self) -> None:
        info = self.selected()
        if info is None or info.status == "revoked":
            self.notify("Choose a token that is not revoked.", severity="warning")
            return
        question = markup(
            'Regenerate token [b]"$name"[/b]?\nThe current secret ($preview) '
            "stops working at once; the WordPress plugin needs the new one.",
            name=info.name,
            preview=info.token_preview,
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Regenerate")):
            return
        try:
            issued = await tokens.regenerate(self.ctx, self.actor, info.id)
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        await self.reveal(issued, "Token regenerated")

    @work
    async def action_revoke(self) -> None:
        info = self.selected()
        if info is None or info.status == "revoked":
            self.notify("Choose a token that is not revoked.", severity="warning")
            return
        question = markup(
            'Revoke token [b]"$name"[/b] ($preview)?\nIt stops working at once and for good.',
            name=info.name,
            preview=info.token_preview,
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Revoke", danger=True)):
            return
        try:
            await tokens.revoke(self.ctx, self.actor, info.id)
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(f"Revoked {info.name}.")
        self.reload()

    def action_details(self) -> None:
        info = self.selected()
        if info is not None:
            self.app.push_screen(TokenDetailModal(info))

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_details()
