"""Activate a license on a domain from the console: the same service function as
``POST /licenses/activate``, acting as whoever the console acts for (the activation's
method is ``console``)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from service.common.errors import ServiceError
from service.licensing import activation as license_activation
from service.licensing.domains import ENVIRONMENTS
from tui.modals.form import FormModal
from tui.modals.license_form import buttons, with_fields
from tui.text import markup

ACTIVATION_STEPS = (
    "Next steps:\n"
    "  1. Copy this activation token (c).\n"
    "  2. Paste it into the plugin's license settings on the site,\n"
    "     or send it to the customer.\n"
    "  The site can already validate by its domain without it."
)
ACTIVATION_WARNING = "This activation token is shown only once. Copy it now."
ACTIVATION_WARNING_FA = "⚠ این توکن فعال‌سازی فقط یک‌بار نمایش داده می‌شود. حتماً آن را کپی کنید!"


class ActivateDomainModal(FormModal[license_activation.Activated]):
    def __init__(self, license: dict[str, Any]) -> None:
        super().__init__(classes="modal")
        self.license = license

    def compose(self) -> ComposeResult:
        lic = self.license
        with Vertical(classes="modal-box", id="license-activate"):
            yield Static(
                markup(
                    "[b]Activate $key[/b]  ($product)",
                    key=lic["license_key"],
                    product=lic["product_name"],
                )
            )
            yield Label("Domain or site URL")
            yield Input(compact=True, placeholder="shop.example.com", id="domain", max_length=300)
            yield Label("Environment (anything but production is not counted)")
            yield Select(
                compact=True,
                options=[(e, e) for e in ENVIRONMENTS],
                value="production",
                allow_blank=False,
                id="environment",
            )
            yield Label("Label (optional)")
            yield Input(compact=True, id="label", max_length=100)
            yield from buttons("Activate")

    def on_mount(self) -> None:
        self.query_one("#domain", Input).focus()

    async def submit(self) -> license_activation.Activated:
        ctx = self.ctx
        try:
            result = await license_activation.activate(
                ctx,
                self.license["license_key"],
                self.query_one("#domain", Input).value,
                mode="simple",
                environment=str(self.query_one("#environment", Select).value),
                label=self.query_one("#label", Input).value.strip(),
                actor=self.actor,
            )
        except ServiceError as err:
            raise with_fields(err) from None
        assert isinstance(result, license_activation.Activated)
        return result
