"""New WooCommerce REST API key for a user: a description and a permission.

Calls the same service function as ``POST /api/v1/auth/api-keys/`` and ``run.py users
api-key``; returns the new key, whose secret the caller reveals once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from service.accounts import api_keys
from service.accounts.users import User
from tui.modals.form import FormModal
from tui.text import markup

API_KEY_STEPS = (
    "First line: the consumer key (ck_...); second: the consumer secret (cs_...).\n"
    "Give both to the WooCommerce REST client: over https:// it sends them as Basic\n"
    "credentials, over http:// it signs each request with OAuth 1.0a."
)


class ApiKeyFormModal(FormModal["api_keys.NewApiKey"]):
    def __init__(self, user: User) -> None:
        super().__init__(classes="modal")
        self._user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="api-key-form"):
            yield Static(markup("[b]New API key for $email[/b]", email=self._user.email))
            yield Label(f"Description (1-{api_keys.MAX_DESCRIPTION} characters)")
            yield Input(compact=True, id="description", max_length=400)
            yield Label("Permissions")
            yield Select(
                compact=True,
                options=[(p, p) for p in api_keys.PERMISSIONS],
                value="read",
                allow_blank=False,
                id="permissions",
            )
            yield Static("", id="form-errors", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Generate", id="generate", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#description", Input).focus()

    async def submit(self) -> api_keys.NewApiKey:
        ctx = self.app.runtime.ctx  # type: ignore[attr-defined]
        return await api_keys.create(
            ctx,
            self.actor,
            self._user.id,
            self.query_one("#description", Input).value,
            str(self.query_one("#permissions", Select).value),
        )
