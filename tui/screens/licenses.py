"""Licenses: the keys sold with licensed products, and OAuth activations waiting for
their owner's approval (the console's counterpart of the store's LicenseConnect page).

Licenses tab: / searches (key or email), the status filter narrows; enter opens a
license (activations, activate on a domain, deactivate), i issues one, a activates
on a domain, d disables or re-enables, t extends, c copies the key.
Pending tab: a approves on the owner's behalf (the activation token is revealed
once), n denies; rows count down and vanish when consumed or expired.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TabPane

from service.common.errors import ServiceError
from service.licensing import admin as licenses
from service.licensing import oauth as license_oauth
from service.licensing.rules import LIST_STATUSES, effective_status
from tui.failures import Guarded
from tui.format import countdown, moment
from tui.host import UsesContext
from tui.messages import DataChanged
from tui.modals import license_actions
from tui.modals.confirm import ConfirmModal
from tui.modals.license_detail import LicenseDetailModal, sites_text
from tui.modals.license_form import IssueLicenseModal
from tui.screens.base import ConsoleScreen, ScreenCommand
from tui.text import Cell, cell, markup
from tui.widgets.footer import KeyFooter
from tui.widgets.nav import NavBar
from tui.widgets.table import Table

PAGE = 100


# The key (or the domain) stays put when a table scrolls sideways; what decides (status,
# expiry, sites; the time left) comes before the wide names.
LICENSE_COLUMNS = ("key", "status", "expires", "sites", "product", "customer", "source")
PENDING_COLUMNS = ("domain", "expires in", "product", "license", "customer", "requested")


def _selected_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None


class LicenseList(Guarded, UsesContext, Vertical):
    HELP_NAME = "Licenses tab"
    BINDINGS = [
        Binding("enter", "details", "Details", id="licenses.details"),
        Binding("i", "issue", "Issue", id="licenses.issue"),
        Binding("a", "activate", "Activate on domain", id="licenses.activate"),
        Binding("d", "toggle_enabled", "Disable/enable", id="licenses.toggle"),
        Binding("t", "extend", "Extend", id="licenses.extend"),
        Binding("c", "copy_key", "Copy key", id="licenses.copy"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, dict[str, Any]] = {}
        self.pages = 1  # pages of PAGE rows loaded
        self.total = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="license-bar"):
            yield Input(
                placeholder="search key or customer email (/)", id="license-search", compact=True
            )
            yield Select(
                [(s, s) for s in LIST_STATUSES],
                prompt="any status",
                id="license-status",
                compact=True,
            )
            yield Static("", id="license-count")
        table: DataTable[Cell] = Table(
            id="license-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        table.add_columns(*LICENSE_COLUMNS)
        yield table

    def on_mount(self) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.pages = 1
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.query_one("#license-table", DataTable))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.pages = 1
        self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        last = event.cursor_row >= event.data_table.row_count - 1
        if last and self.total > len(self.rows) and len(self.rows) >= self.pages * PAGE:
            self.pages += 1
            self.reload()

    @work(exclusive=True, group="licenses-reload")
    async def reload(self) -> None:
        status = self.query_one("#license-status", Select).value
        items: list[dict[str, Any]] = []
        total = 0
        for page in range(1, self.pages + 1):  # the cursor on the last row asks for one more
            filters = licenses.LicenseFilters(
                search=self.query_one("#license-search", Input).value.strip(),
                status=status if isinstance(status, str) else "",
                page=page,
                per_page=PAGE,
            )
            chunk, total = await licenses.list_licenses(self.ctx, filters)
            items.extend(chunk)
            if len(chunk) < PAGE:
                break
        items = list({lic["id"]: lic for lic in items}.values())
        table = self.query_one("#license-table", DataTable)
        selected = _selected_key(table)
        now = self.ctx.clock.now()
        table.clear()
        self.rows = {}
        for lic in items:
            key = str(lic["id"])
            self.rows[key] = lic
            table.add_row(
                cell(lic["license_key"]),
                effective_status(lic, now),
                moment(lic["expires_at"], empty="never"),
                sites_text(lic),
                cell(lic["product_name"], 22),
                cell(lic["customer_email"] or "—", 26),
                cell(lic["source"]),
                key=key,
            )
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.total = total
        shown = f"{len(items)} of {total} (↓ for more)" if total > len(items) else str(total)
        self.query_one("#license-count", Static).update(
            f"{shown} license{'' if total == 1 else 's'}"
        )

    def selected(self) -> dict[str, Any] | None:
        key = _selected_key(self.query_one("#license-table", DataTable))
        return self.rows.get(key) if key else None

    def _chosen(self) -> dict[str, Any] | None:
        lic = self.selected()
        if lic is None:
            self.notify("Choose a license first.", severity="warning")
        return lic

    @work(exclusive=True, group="licenses-action")
    async def action_details(self) -> None:
        lic = self._chosen()
        if lic is not None and await self.app.push_screen_wait(LicenseDetailModal(lic)):
            self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    @work(exclusive=True, group="licenses-action")
    async def action_issue(self) -> None:
        products = await licenses.licensed_products(self.ctx)
        if not products:
            self.notify("No product issues licenses yet (licensing_enabled).", severity="warning")
            return
        issued = await self.app.push_screen_wait(IssueLicenseModal(products))
        if issued is not None:
            self.notify(f"Issued {issued['license_key']} for {issued['product_name']}.")
            self.reload()

    @work(exclusive=True, group="licenses-action")
    async def action_activate(self) -> None:
        lic = self._chosen()
        if lic is not None and await license_actions.activate_on_domain(self.app, lic):
            self.reload()

    @work(exclusive=True, group="licenses-action")
    async def action_toggle_enabled(self) -> None:
        lic = self._chosen()
        if lic is not None and await license_actions.toggle_enabled(self.app, lic):
            self.reload()

    @work(exclusive=True, group="licenses-action")
    async def action_extend(self) -> None:
        lic = self._chosen()
        if lic is not None and await license_actions.extend(self.app, lic):
            self.reload()

    def action_copy_key(self) -> None:
        lic = self._chosen()
        if lic is not None:
            self.app.copy_to_clipboard(lic["license_key"])
            self.notify("License key copied.", title="Copied")


class PendingRequests(Guarded, UsesContext, Vertical):
    HELP_NAME = "Pending OAuth tab"
    BINDINGS = [
        Binding("a", "approve", "Approve for owner", id="licenses.approve"),
        Binding("n", "deny", "Deny", id="licenses.deny"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="pending-count", classes="bar-info")
        table: DataTable[Cell] = Table(
            id="pending-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
        )
        for label in PENDING_COLUMNS:
            table.add_column(label, key=label)
        yield table

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, group="pending-reload")
    async def reload(self) -> None:
        items = await license_oauth.pending_requests(self.ctx)
        table = self.query_one("#pending-table", DataTable)
        selected = _selected_key(table)
        now = self.ctx.clock.now()
        table.clear()
        self.rows = {}
        for request in items:
            key = str(request["id"])
            self.rows[key] = request
            table.add_row(
                cell(request["domain"] + (" (local)" if request["is_local"] else ""), 36),
                countdown(request["expires_at"], now),
                cell(request["product_name"], 24),
                cell(request["license_key_masked"]),
                cell(request["customer_email"] or "—", 30),
                moment(request["requested_at"]),
                key=key,
            )
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(selected))
        self.show_count()

    def show_count(self) -> None:
        n = len(self.rows)
        self.query_one("#pending-count", Static).update(
            f"{n} request{'' if n == 1 else 's'} waiting for the owner's approval"
        )

    def tick(self) -> None:
        """Once a second: count down, and drop what has expired (no query)."""
        table = self.query_one("#pending-table", DataTable)
        now = self.ctx.clock.now()
        for key, request in list(self.rows.items()):
            left = countdown(request["expires_at"], now)
            if left == "00:00":
                table.remove_row(key)
                del self.rows[key]
            else:
                table.update_cell(key, "expires in", left)
        self.show_count()

    def selected(self) -> dict[str, Any] | None:
        key = _selected_key(self.query_one("#pending-table", DataTable))
        request = self.rows.get(key) if key else None
        if request is None:
            self.notify("Choose a pending request first.", severity="warning")
        return request

    @work(exclusive=True, group="pending-action")
    async def action_approve(self) -> None:
        request = self.selected()
        if request is None:
            return
        question = markup(
            "Approve [b]$domain[/b] for $key ($product) on behalf of $owner?"
            "\nThe approval is recorded as yours.",
            domain=request["domain"],
            key=request["license_key_masked"],
            product=request["product_name"],
            owner=request["customer_email"] or "the owner",
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Approve")):
            return
        decision = await self._decide(request, "approve")
        if decision is not None and decision.token:
            await license_actions.reveal_activation_token(
                self.app, f"Approved {request['domain']}", decision.token
            )

    @work(exclusive=True, group="pending-action")
    async def action_deny(self) -> None:
        request = self.selected()
        if request is None:
            return
        question = markup(
            "Deny [b]$domain[/b] for $key?",
            domain=request["domain"],
            key=request["license_key_masked"],
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, yes="Deny", danger=True)):
            return
        if await self._decide(request, "deny") is not None:
            self.notify(f"Denied {request['domain']}.")

    async def _decide(
        self, request: dict[str, Any], decision: str
    ) -> license_oauth.Decision | None:
        try:
            result = await license_oauth.decide(self.ctx, self.actor, request["id"], decision)
        except ServiceError as err:
            self.notify(err.message, severity="error")
            result = None
        self.reload()
        return result


class LicensesScreen(ConsoleScreen):
    TITLE_TEXT = "Licenses"
    HELP_DIALOGS = (LicenseDetailModal,)
    PALETTE = (
        ScreenCommand(
            "Issue a license", "by hand, for a product and a customer", "issue", "#license-list"
        ),
        ScreenCommand(
            "Activate a license on a domain", "the selected license", "activate", "#license-list"
        ),
        ScreenCommand("Extend a license", "the selected license", "extend", "#license-list"),
        ScreenCommand(
            "Disable or re-enable a license",
            "the selected license",
            "toggle_enabled",
            "#license-list",
        ),
        ScreenCommand("Pending OAuth requests", "approve or deny a site", "", "#pending-list"),
    )
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/", id="licenses.search", priority=True),
        Binding("ctrl+r", "reload", "Reload", id="licenses.reload"),
    ]
    DEFAULT_CSS = """
    #license-table, #pending-table { height: 1fr; margin: 0 1; }
    #license-bar { height: 1; margin: 1 1 0 1; }
    #license-bar Input { width: 1fr; }
    #license-bar Select { width: 20; margin-left: 1; }
    #license-count { width: auto; padding: 0 2; }
    #pending-count { padding: 0 2; margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="licenses")

    def compose(self) -> ComposeResult:
        yield NavBar()
        with TabbedContent(id="license-tabs"):
            with TabPane("Licenses", id="tab-licenses"):
                yield LicenseList(id="license-list")
            with TabPane("Pending OAuth", id="tab-pending"):
                yield PendingRequests(id="pending-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick_if_current)

    def on_screen_resume(self) -> None:
        self.action_reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.action_reload()

    def _tick_if_current(self) -> None:
        if self.is_current:
            self.query_one(PendingRequests).tick()

    def action_search(self) -> None:
        self.query_one("#license-tabs", TabbedContent).active = "tab-licenses"
        self.set_focus(self.query_one("#license-search", Input))

    def action_reload(self) -> None:
        self.query_one(LicenseList).reload()
        self.query_one(PendingRequests).reload()
