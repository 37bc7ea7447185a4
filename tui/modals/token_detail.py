"""A token's details and its most recent webhook events."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from service.integrations import sync, tokens
from tui.failures import Guarded
from tui.format import ago, moment
from tui.host import UsesContext
from tui.text import Cell, cell, markup
from tui.widgets.dialog import Dialog
from tui.widgets.table import Table

RECENT = 15


class TokenDetailModal(Guarded, UsesContext, Dialog[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="token_detail.close")]

    def __init__(self, info: tokens.TokenInfo) -> None:
        super().__init__(classes="modal")
        self.info = info

    def compose(self) -> ComposeResult:
        info = self.info
        now = self.ctx.clock.now()
        ips = ", ".join(info.allowed_ips) or "any"
        facts = (
            "preview     $preview\n"
            "owner       $owner\n"
            "usage       $usage requests, last $last\n"
            "created     $created\n"
            "expires     $expires\n"
            "allowed IPs $ips\n"
            "id          $id"
        )
        with Vertical(classes="modal-box", id="token-detail"):
            yield Static(
                markup(
                    "[b]$name[/b]  ($type, $status)",
                    name=info.name,
                    type=info.integration_type,
                    status=info.status,
                )
            )
            yield Static(
                markup(
                    facts,
                    preview=info.token_preview,
                    owner=info.user_email,
                    usage=info.usage_count,
                    last=ago(info.last_used_at, now),
                    created=moment(info.created_at),
                    expires=moment(info.expires_at, empty="never"),
                    ips=ips,
                    id=info.id,
                ),
                id="token-facts",
            )
            yield Static("[b]Recent webhook events[/b]")
            table: DataTable[Cell] = Table(id="token-events", cursor_type="row")
            table.add_columns("received", "event", "status", "product", "event id")
            yield table

    def on_mount(self) -> None:
        self.run_worker(self._fill_events(), exclusive=True)

    async def _fill_events(self) -> None:
        ctx = self.ctx
        events = await sync.recent_events(ctx, self.actor, token_id=self.info.id, limit=RECENT)
        table = self.query_one("#token-events", DataTable)
        for event in events:
            table.add_row(
                moment(event.created_at),
                cell(event.event_type),
                cell(event.status),
                str(event.woo_product_id),
                cell(event.event_id),
            )
        if not events:
            table.add_row("—", "no events yet", "", "", "")

    def action_close(self) -> None:
        self.dismiss(None)
