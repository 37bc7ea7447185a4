"""Hostile text, and a shop whose every kind of record shown by the console holds it,
written through the real API (``from hostile import ...``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp
from support import OPERATOR, make_account
from yarl import URL

from service.accounts import users as accounts
from service.common.errors import ServiceError
from service.licensing import admin as licenses

W = "/wp-json/woonoow/v1"

MARKUP = [
    "[/]",
    "[bold red]x",
    "[link=x]y[/link]",
    "Plugin [/] test",
    "Shop [staging] v2",
    "Mallory [/]",
    "wc_[/]_2",
    "x[/]",
    "[@click=app.quit]quit[/]",
    "$name \\[b] [b]not bold",
]
ESCAPES = [
    "\x1b[31mred",
    "\x1b]52;c;aGVsbG8=\x07",
    "bell\x07 bs\x08 cr\r lf\n tab\t del\x7f nul\x00",
    "c1 \x9b31m nel\x85 osc\x9d0;title\x9c",
]
RTL = ["مهدی یوسفی \u202e", "\u202eevil\u202c.exe", "می‌شود ۲"]
OTHER = ["👩‍💻 shop 🛒🇮🇷", "L" * 10_000]
HOSTILE = MARKUP + ESCAPES + RTL + OTHER

# Sequences that must never reach the terminal from data.
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\x85", "\u202e")


@dataclass
class HostileShop:
    """What the API accepted, per kind of record (some values are refused by validation)."""

    accepted: dict[str, list[str]] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    token: str = ""

    def note(self, kind: str, value: str, ok: bool) -> bool:
        (self.accepted if ok else self.refused).setdefault(kind, []).append(value)
        return ok


async def seed(runtime) -> HostileShop:
    ctx = runtime.ctx
    shop = HostileShop()
    admin = await make_account(ctx, "admin@example.com", "administrator", "Admin")
    auth = admin.auth
    async with aiohttp.ClientSession(runtime.url) as http:

        async def post(path: str, body: Any, headers: dict | None = None) -> tuple[int, Any]:
            async with http.post(path, json=body, headers={**auth, **(headers or {})}) as resp:
                return resp.status, await resp.json()

        for i, text in enumerate(HOSTILE):
            email = f"user{i}@example.com"
            try:
                await accounts.create_user(ctx, email, "pass-word-1", "customer", text)
                shop.note("user", text, True)
            except ServiceError:
                shop.note("user", text, False)
            status, _ = await post(
                f"{W}/customers",
                {"email": f"c{i}@example.com", "first_name": text, "last_name": text[:40],
                 "billing": {"city": text}},
            )  # fmt: skip
            shop.note("customer", text, status == 201)
            status, body = await post("/api/v1/integrations/tokens/generate/", {"name": text})
            if shop.note("token", text, status == 201) and not shop.token:
                shop.token = body["token"]
            status, _ = await post(f"{W}/products/categories", {"name": text})
            shop.note("category", text, status == 201)
            status, product = await post(
                f"{W}/products", {"name": text, "regular_price": "10", "status": "publish"}
            )
            if shop.note("product", text, status == 201):
                await _order(post, shop, text, product["id"])
                await _cart(http, shop, text, product["id"])

        token = shop.token
        assert token, shop.refused.get("token")
        for i, text in enumerate(HOSTILE):
            event = {
                "event_id": text,
                "event_type": "product.updated",
                "product": {"id": 500 + i, "name": text, "price": "1", "regular_price": "1"},
            }
            status, _ = await post(
                "/api/integrations/woocommerce/webhook/",
                event,
                {"Authorization": f"Bearer {token}"},
            )
            shop.note("event", text, status == 200)

        await _licenses(post, ctx, shop)

        for path in ("/wp-json/x[/]y", "/wp-json/x%1b%5b31mred%1b]52;c;aGVsbG8=%07"):
            async with http.get(URL(runtime.url + path, encoded=True)) as resp:
                await resp.read()
            shop.paths.append(path)
    return shop


async def _order(post, shop: HostileShop, text: str, product_id: int) -> None:
    status, order = await post(
        f"{W}/orders",
        {"line_items": [{"product_id": product_id, "quantity": 1}],
         "billing": {"first_name": text, "last_name": "", "email": "o@example.com",
                     "city": text[:50]},
         "customer_note": text},
    )  # fmt: skip
    if shop.note("order", text, status == 201):
        status, _ = await post(f"{W}/orders/{order['id']}/notes", {"note": text})
        shop.note("order_note", text, status == 201)


async def _cart(http: aiohttp.ClientSession, shop: HostileShop, text: str, product_id: int) -> None:
    async with http.post(f"{W}/cart/add", json={"product_id": product_id, "quantity": 1}) as resp:
        if not shop.note("cart", text, resp.status in (200, 201)):
            return
        cart_token = resp.headers["Cart-Token"]
    async with http.post(
        f"{W}/cart/update-customer",
        json={"shipping_address": {"city": text[:50], "country": "US"}},
        headers={"Cart-Token": cart_token},
    ) as resp:
        shop.note("cart_address", text, resp.status == 200)


async def _licenses(post, ctx, shop: HostileShop) -> None:
    for i, text in enumerate(HOSTILE):
        status, product = await post(
            f"{W}/products",
            {"name": text, "regular_price": "49", "virtual": True, "licensing_enabled": True,
             "license_activation_method": "simple", "license_activation_limit": 100,
             "license_validity_days": 365},
        )  # fmt: skip
        if not shop.note("licensed_product", text, status == 201):
            continue
        lic = await licenses.create_license(ctx, OPERATOR, {"product_id": product["id"]})
        status, _ = await post(
            f"{W}/licenses/activate",
            {"license_key": lic["license_key"], "domain": f"shop{i}.example.com", "label": text},
        )
        shop.note("activation_label", text, status == 201)
