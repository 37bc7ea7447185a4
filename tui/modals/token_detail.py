"""A token's details and its most recent webhook events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from service import tokens
from tui.widgets.format import ago, short_date

EventsLoader = Callable[[str], Awaitable[list[dict[str, Any]]]]


class TokenDetailModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="token_detail.close")]

    def __init__(self, info: tokens.TokenInfo, load_events: EventsLoader | None = None) -> None:
        super().__init__(classes="modal")
        self.info = info
        self._load_events = load_events

    def compose(self) -> ComposeResult:
        info = self.info
        now = self.app.runtime.ctx.clock.now()  # type: ignore[attr-defined]
        ips = ", ".join(info.allowed_ips) or "any"
        with Vertical(classes="modal-box", id="token-detail"):
            yield Static(f"[b]{info.name}[/b]  ({info.integration_type}, {info.status})")
            yield Static(
                f"preview     {info.token_preview}\n"
                f"owner       {info.user_email}\n"
                f"usage       {info.usage_count} requests, last {ago(info.last_used_at, now)}\n"
                f"created     {short_date(info.created_at)}\n"
                f"expires     {short_date(info.expires_at) if info.expires_at else 'never'}\n"
                f"allowed IPs {ips}\n"
                f"id          {info.id}",
                id="token-facts",
            )
            yield Static("[b]Recent webhook events[/b]")
            table = DataTable(id="token-events", cursor_type="row")
            table.add_columns("received", "event", "product", "status", "event id")
            yield table

    def on_mount(self) -> None:
        if self._load_events:
            self.run_worker(self._fill_events(), exclusive=True)

    async def _fill_events(self) -> None:
        assert self._load_events is not None
        events = await self._load_events(self.info.id)
        table = self.query_one("#token-events", DataTable)
        for event in events:
            table.add_row(
                short_date(event.get("created_at")),
                event.get("event_type", ""),
                str(event.get("woo_product_id", "")),
                event.get("status", ""),
                event.get("event_id", ""),
            )
        if not events:
            table.add_row("—", "no events yet", "", "", "")

    def action_close(self) -> None:
        self.dismiss(None)
