"""Generate an integration token: name, type, optional expiry and allowed IPs, owner.

The form calls the same service function as ``POST tokens/generate/`` and stays open
showing the field errors until it succeeds; it then returns the issued token.
"""

from __future__ import annotations

import re
from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from service.accounts.users import User
from service.common.clock import iso
from service.integrations import tokens
from tui.modals.form import FormModal
from tui.text import cell


class GenerateTokenModal(FormModal["tokens.IssuedToken"]):
    def __init__(self, users: list[User], owner_id: int | None = None) -> None:
        super().__init__(classes="modal")
        self._users = [u for u in users if u.is_active]
        self._owner_id = (
            owner_id if owner_id is not None else (self._users[0].id if self._users else None)
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="token-form"):
            yield Static("[b]New integration token[/b]")
            yield Label("Name (1-100 characters)")
            yield Input(compact=True, placeholder="فروشگاه اصلی", id="name", max_length=200)
            yield Label("Type")
            yield Select(
                compact=True,
                options=[(t, t) for t in tokens.INTEGRATION_TYPES],
                value="woocommerce",
                allow_blank=False,
                id="type",
            )
            yield Label("Owner")
            yield Select(
                compact=True,
                options=[(cell(f"{u.email} ({u.role})"), u.id) for u in self._users],
                value=self._owner_id if self._owner_id is not None else Select.BLANK,
                allow_blank=not self._users,
                id="owner",
            )
            yield Label("Expires (blank = never; 30d, or a date like 2027-01-31T00:00:00Z)")
            yield Input(compact=True, id="expires")
            yield Label("Allowed IPs (blank = any; IPs or CIDR ranges, comma separated)")
            yield Input(compact=True, placeholder="203.0.113.7, 198.51.100.0/24", id="ips")
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Generate", id="generate", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _expiry(self, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        days = re.fullmatch(r"([0-9]{1,4})\s*d", text, re.ASCII)
        if days:
            return iso(self.ctx.clock.now() + timedelta(days=int(days.group(1))))
        return text

    async def submit(self) -> tokens.IssuedToken:
        ctx = self.ctx
        owner = self.query_one("#owner", Select).value
        ips = [p.strip() for p in self.query_one("#ips", Input).value.split(",") if p.strip()]
        return await tokens.generate(
            ctx,
            self.actor,
            name=self.query_one("#name", Input).value,
            integration_type=self.query_one("#type", Select).value,
            expires_at=self._expiry(self.query_one("#expires", Input).value),
            allowed_ips=ips,
            user_id=owner if isinstance(owner, int) else None,
        )
