"""One license: its facts and activations. a activates on a domain (one-time token
reveal), x deactivates the selected site (after confirmation), d disables or
re-enables, t extends, c copies the key."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from service.common.errors import ServiceError
from service.licensing import activation as license_activation
from service.licensing import admin as licenses
from service.licensing.rules import effective_status
from tui.failures import Guarded
from tui.format import ago, moment
from tui.host import UsesContext
from tui.messages import DataChanged
from tui.modals import license_actions
from tui.modals.confirm import ConfirmModal
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table


def sites_text(lic: dict[str, Any]) -> str:
    limit = lic["activation_limit"]
    return f"{lic['activation_count']}/{limit if limit is not None else '∞'}"


class LicenseDetailModal(Guarded, UsesContext, Dialog[bool]):
    """Dismissed with True when something changed."""

    BINDINGS = [
        Binding("a", "activate", "Activate on domain", id="license_detail.activate"),
        Binding("x", "deactivate", "Deactivate site", id="license_detail.deactivate"),
        Binding("d", "toggle_enabled", "Disable/enable", id="license_detail.toggle"),
        Binding("t", "extend", "Extend", id="license_detail.extend"),
        Binding("c", "copy_key", "Copy key", id="license_detail.copy"),
        Binding("escape,q", "close", "Close", id="license_detail.close"),
    ]
    DEFAULT_CSS = """
    #activation-table { height: 1fr; }
    """

    def __init__(self, license: dict[str, Any]) -> None:
        super().__init__(classes="modal")
        self.license = license
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box modal-wide", id="license-detail"):
            yield Static("", id="license-facts")
            yield Static("[b]Activations[/b]")
            table: DataTable[Cell] = Table(
                id="activation-table", cursor_type="row", zebra_stripes=True, fixed_columns=1
            )
            table.add_columns(
                "domain", "status", "last seen", "env", "local", "method", "activated", "label"
            )
            yield table

    def on_mount(self) -> None:
        self.show()
        self.query_one("#activation-table", DataTable).focus()

    def show(self) -> None:
        lic = self.license
        now = self.ctx.clock.now()
        self.query_one("#license-facts", Static).update(
            markup(
                "[b]$key[/b]  $status\n"
                "product     $product (#$product_id)\n"
                "customer    $customer$order\n"
                "sites       $sites counted (local sites are free)\n"
                "expires     $expires\n"
                "issued      $issued ($source)",
                key=lic["license_key"],
                status=effective_status(lic, now),
                product=lic["product_name"],
                product_id=lic["product_id"],
                customer=lic["customer_email"] or "—",
                order=f"  order #{lic['order_id']}" if lic["order_id"] else "",
                sites=sites_text(lic),
                expires=moment(lic["expires_at"], empty="never"),
                issued=moment(lic["created_at"]),
                source=lic["source"],
            )
        )
        table = self.query_one("#activation-table", DataTable)
        table.clear()
        for a in lic["activations"]:
            table.add_row(
                cell(a["domain"], 36),
                cell(a["status"]),
                ago(a["last_seen_at"], now),
                cell(a["environment"]),
                "yes" if a["is_local"] else "",
                cell(a["method"]),
                moment(a["activated_at"]),
                cell(a["label"], 30),
                key=str(a["id"]),
            )

    async def reload(self) -> None:
        self.changed = True
        self.license = await licenses.get_license(self.ctx, self.license["id"])
        self.show()

    async def on_data_changed(self, _: DataChanged) -> None:
        """Another change (the API, another console): show the license as it is now."""
        self.license = await licenses.get_license(self.ctx, self.license["id"])
        table = self.query_one("#activation-table", DataTable)
        row = table.cursor_row
        self.show()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def selected_activation(self) -> dict[str, Any] | None:
        table = self.query_one("#activation-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.license["activations"] if str(a["id"]) == key), None)

    @work(exclusive=True, group="license-detail")
    async def action_activate(self) -> None:
        if await license_actions.activate_on_domain(self.app, self.license):
            await self.reload()

    @work(exclusive=True, group="license-detail")
    async def action_deactivate(self) -> None:
        activation = self.selected_activation()
        if activation is None or activation["status"] != "active":
            self.notify("Choose an active site.", severity="warning")
            return
        question = markup(
            "Deactivate site [b]$domain[/b] on license $key?"
            "\nThe site stops validating and its slot is freed.",
            domain=activation["domain"],
            key=self.license["license_key"],
        )
        confirm = ConfirmModal(question, yes="Deactivate", danger=True)
        if not await self.app.push_screen_wait(confirm):
            return
        try:
            await license_activation.deactivate_activation(self.ctx, self.actor, activation["id"])
        except ServiceError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(f"Deactivated {activation['domain']}.")
        await self.reload()

    @work(exclusive=True, group="license-detail")
    async def action_toggle_enabled(self) -> None:
        if await license_actions.toggle_enabled(self.app, self.license):
            await self.reload()

    @work(exclusive=True, group="license-detail")
    async def action_extend(self) -> None:
        if await license_actions.extend(self.app, self.license):
            await self.reload()

    def action_copy_key(self) -> None:
        self.app.copy_to_clipboard(self.license["license_key"])
        self.notify("License key copied.", title="Copied")

    def action_close(self) -> None:
        self.dismiss(self.changed)
