"""Issue a license by hand, and extend one (FormModal: open until the service accepts)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from service.accounts import users as accounts
from service.common.errors import ServiceError
from service.licensing import admin as licenses
from tui.format import moment
from tui.modals.form import FormModal
from tui.text import cell, markup, parse_count

MAX_LIMIT = 100_000  # activation limit typed in the form
MAX_DAYS = licenses.MAX_VALIDITY_DAYS


def with_fields(err: ServiceError) -> ServiceError:
    """WordPress's ``data.params`` as the form's field errors."""
    params = err.data.get("params")
    if isinstance(params, dict) and params and not err.fields:
        fields = {name: [reason] for name, reason in params.items()}
        return ServiceError(err.code, err.message, err.status, fields=fields)
    return err


def _optional_int(text: str, name: str, maximum: int) -> int | str | None:
    """Blank: the product's default (None); 'unlimited'/'lifetime': null ('null')."""
    text = text.strip().lower()
    if not text:
        return None
    if text in ("unlimited", "lifetime", "never", "-"):
        return "null"
    number = parse_count(text, maximum=maximum)
    if number is None:
        raise ServiceError(
            "invalid",
            f"{name}: a whole number up to {maximum}, or blank for the default.",
            fields={name: [f"a whole number (digits 0-9) up to {maximum}, or blank"]},
        )
    return number


def buttons(submit: str) -> ComposeResult:
    yield Static("", id="form-errors", classes="warning")
    with Horizontal(classes="buttons"):
        yield Button("Cancel (esc)", id="cancel")
        yield Button(submit, id="submit", variant="primary")


class IssueLicenseModal(FormModal[dict[str, Any]]):
    """Returns the new license (a dict) or None."""

    def __init__(self, products: list[dict[str, Any]]) -> None:
        super().__init__(classes="modal")
        self.products = products

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="license-issue"):
            yield Static("[b]Issue a license[/b]")
            yield Label("Product")
            yield Select(
                compact=True,
                options=[
                    (cell(f"{p['name']} ({p['license_activation_method']})"), p["id"])
                    for p in self.products
                ],
                value=self.products[0]["id"] if self.products else Select.BLANK,
                allow_blank=not self.products,
                id="product",
            )
            yield Label("Customer email (blank: no owner; only staff can approve OAuth then)")
            yield Input(compact=True, id="customer", max_length=254)
            yield Label("Activation limit (blank: the product's; 'unlimited')")
            yield Input(compact=True, id="limit", max_length=6)
            yield Label("Valid for days (blank: the product's; 'lifetime')")
            yield Input(compact=True, id="days", max_length=6)
            yield from buttons("Issue")

    def on_mount(self) -> None:
        self.query_one("#customer", Input).focus()

    async def submit(self) -> dict[str, Any]:
        ctx = self.ctx
        product = self.query_one("#product", Select).value
        payload: dict[str, Any] = {"product_id": product if isinstance(product, int) else None}
        email = self.query_one("#customer", Input).value.strip()
        if email:
            user = await accounts.find_user(ctx, email)
            if user is None:
                raise ServiceError("invalid", f"customer: no account with the email {email}.")
            payload["customer_id"] = user.id
        for field, name, maximum in (
            ("limit", "activation_limit", MAX_LIMIT),
            ("days", "valid_for_days", MAX_DAYS),
        ):
            value = _optional_int(self.query_one(f"#{field}", Input).value, name, maximum)
            if value is not None:
                payload[name] = None if value == "null" else value
        try:
            return await licenses.create_license(ctx, self.actor, payload)
        except ServiceError as err:
            raise with_fields(err) from None


class ExtendLicenseModal(FormModal[dict[str, Any]]):
    """Returns the updated license or None."""

    def __init__(self, license: dict[str, Any]) -> None:
        super().__init__(classes="modal")
        self.license = license

    def compose(self) -> ComposeResult:
        lic = self.license
        with Vertical(classes="modal-box", id="license-extend"):
            yield Static(markup("[b]Extend $key[/b]", key=lic["license_key"]))
            yield Static(
                markup("expires $expires", expires=moment(lic["expires_at"], empty="never"))
                + ("  (expired: the extension counts from now)" if lic["expired"] else "")
            )
            yield Label("Add days")
            yield Input(compact=True, value="365", id="days", max_length=5)
            yield from buttons("Extend")

    def on_mount(self) -> None:
        self.query_one("#days", Input).focus()

    async def submit(self) -> dict[str, Any]:
        ctx = self.ctx
        days = parse_count(self.query_one("#days", Input).value, maximum=MAX_DAYS)
        if days is None:
            raise ServiceError(
                "invalid",
                "days: a whole number of days.",
                fields={"days": [f"a whole number (digits 0-9) from 1 to {MAX_DAYS}"]},
            )
        try:
            return await licenses.extend_license(ctx, self.actor, self.license["id"], days)
        except ServiceError as err:
            raise with_fields(err) from None
