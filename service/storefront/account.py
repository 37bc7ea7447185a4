"""A logged-in customer's own account: orders, profile, password, addresses, downloads.

Every function takes the user the request authenticated as and only ever reads or
writes that user's records: another customer's order is 404, exactly like an order
that does not exist. Staff accounts have no storefront account (403).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from service.accounts import customers
from service.accounts import users as accounts
from service.catalog.rules import wc_date
from service.common.clock import parse_iso
from service.common.errors import ServiceError
from service.common.order_states import PAID_STATUSES
from service.common.validation import Payload, present
from service.common.wc_errors import invalid_id
from service.orders import crud as orders
from service.orders.crud import OrderFilters
from store import catalog as catalog_sql

if TYPE_CHECKING:
    from service.accounts.users import User
    from service.app.context import Context

PROFILE_FIELDS = ("first_name", "last_name", "email")


def _require_customer(user: User) -> None:
    if user.role != "customer":
        raise ServiceError(
            "woocommerce_rest_cannot_view",
            "Only customer accounts have a storefront account.",
            403,
        )


def _order_not_found() -> ServiceError:
    return invalid_id("woocommerce_rest_shop_order_invalid_id", "Invalid ID.")


# -- orders -------------------------------------------------------------------------------
async def list_orders(
    ctx: Context, user: User, *, page: int = 1, per_page: int = 10, status: str = "any"
) -> tuple[list[dict[str, Any]], int]:
    _require_customer(user)
    statuses = () if status == "any" else (status,)
    filters = OrderFilters(page=page, per_page=per_page, customer=user.id, statuses=statuses)
    return await orders.list_orders(ctx, filters)


async def get_order(ctx: Context, user: User, order_id: int) -> dict[str, Any]:
    _require_customer(user)
    try:
        row = await orders.order_row(ctx.store, order_id)
    except ServiceError:
        raise _order_not_found() from None
    if row["customer_id"] != user.id or row["status"] == "trash":
        raise _order_not_found()
    return await orders.get_order(ctx, order_id)


# -- profile and password -----------------------------------------------------------------
def _profile(customer: dict[str, Any], user: User) -> dict[str, Any]:
    return {
        "id": customer["id"],
        "email": customer["email"],
        "first_name": customer["first_name"],
        "last_name": customer["last_name"],
        "display_name": user.display_name,
        "username": customer["username"],
        "avatar_url": customer["avatar_url"],
        "date_created": customer["date_created"],
        "is_paying_customer": customer["is_paying_customer"],
    }


async def get_profile(ctx: Context, user: User) -> dict[str, Any]:
    _require_customer(user)
    customer = await customers.get_customer(ctx, user.id)
    return _profile(customer, await accounts.get_user(ctx, user.id))


async def update_profile(ctx: Context, user: User, data: Any) -> dict[str, Any]:
    """Names and email; the password has its own route, the username never changes."""
    _require_customer(user)
    p = Payload(data)
    for refused, where in (("password", "POST /account/password"), ("username", None)):
        if p.has(refused):
            reason = f"Change it with {where}." if where else "It cannot be changed."
            p.fail(refused, f"{refused} is not changed here. {reason}")
    p.check()
    values = {key: data[key] for key in PROFILE_FIELDS if key in data}
    if values:
        await customers.update_customer(
            ctx, user.id, values, actor=user, audit_action="account.profile"
        )
    return await get_profile(ctx, user)


async def change_password(
    ctx: Context,
    user: User,
    current: str,
    new: str,
    confirm: str | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """Checks the current password, sets the new one and revokes every token issued
    before (each other session's refresh token stops working); the caller gets a fresh
    pair so this session goes on. Wrong current passwords count with wrong logins of
    the account (same secret): past the limit the answer is 429 like the login's."""
    _require_customer(user)
    p = Payload({"new_password": new})
    if confirm is not None and confirm != new:
        p.fail("confirm_password", "confirm_password does not match new_password.")
    if not isinstance(new, str) or len(new) < accounts.MIN_PASSWORD:
        p.fail("new_password", f"new_password must be at least {accounts.MIN_PASSWORD} characters.")
    elif len(new) > 4096:
        p.fail("new_password", "new_password is too long.")
    p.check()
    try:
        await accounts.authenticate(ctx, user.email, current, ip)
    except ServiceError as err:
        if err.status == 429:
            raise
        raise ServiceError(
            "incorrect_password",
            "The current password is incorrect.",
            400,
            data={"params": {"current_password": "The current password is incorrect."}},
        ) from None
    # Through the customer update (the same hash, token revocation and cache drop as
    # users.set_password) so that the change is in the audit log as the customer's own.
    await customers.update_customer(
        ctx, user.id, {"password": new}, actor=user, audit_action="account.password"
    )
    fresh = await accounts.get_user(ctx, user.id)
    return {
        "success": True,
        "message": "Your password was changed. Other sessions have been signed out.",
        "access": ctx.jwt.issue(fresh.id, "access", fresh.token_version),
        "refresh": ctx.jwt.issue(fresh.id, "refresh", fresh.token_version),
        "user": fresh.public(),
    }


# -- addresses ----------------------------------------------------------------------------
async def get_addresses(ctx: Context, user: User) -> dict[str, Any]:
    _require_customer(user)
    customer = await customers.get_customer(ctx, user.id)
    return {"billing": customer["billing"], "shipping": customer["shipping"]}


async def update_addresses(ctx: Context, user: User, data: Any) -> dict[str, Any]:
    """Changes the address fields given (billing, shipping or both)."""
    _require_customer(user)
    given = data if isinstance(data, dict) else {}
    values = present({k: given[k] for k in ("billing", "shipping") if k in given})
    if values:
        customer = await customers.update_customer(
            ctx, user.id, values, actor=user, audit_action="account.addresses"
        )
        return {"billing": customer["billing"], "shipping": customer["shipping"]}
    return await get_addresses(ctx, user)


# -- downloads ----------------------------------------------------------------------------
async def _paid_orders(ctx: Context, user: User) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        filters = OrderFilters(
            page=page, per_page=100, customer=user.id, statuses=tuple(sorted(PAID_STATUSES))
        )
        batch, total = await orders.list_orders(ctx, filters)
        found.extend(batch)
        if not batch or len(found) >= total:
            return found
        page += 1


async def list_downloads(ctx: Context, user: User) -> list[dict[str, Any]]:
    """Files of the downloadable products in the customer's paid orders, while access
    lasts: ``download_expiry`` days after payment (-1: never), ``download_limit``
    downloads (-1: unlimited; downloads are not counted here, so it stays the limit)."""
    _require_customer(user)
    now = ctx.clock.now()
    out: list[dict[str, Any]] = []
    for order in reversed(await _paid_orders(ctx, user)):
        paid = parse_iso(order["date_paid"]) if order["date_paid"] else None
        for line in order["line_items"]:
            row = await catalog_sql.by_id(ctx.store, line["variation_id"] or line["product_id"])
            if row is None or not row["downloadable"]:
                continue
            expires = None
            if row["download_expiry"] >= 0 and paid is not None:
                expires = paid + timedelta(days=row["download_expiry"])
                if expires < now:
                    continue
            for file in _files(row):
                out.append(_download(ctx, order, line, row, file, expires))
    return out


def _files(row: Any) -> list[dict[str, Any]]:
    return [f for f in json.loads(row["downloads"] or "[]") if isinstance(f, dict)]


def _download(
    ctx: Context,
    order: dict[str, Any],
    line: dict[str, Any],
    row: Any,
    file: dict[str, Any],
    expires: Any,
) -> dict[str, Any]:
    base = ctx.settings.base_url
    expiry = wc_date(expires.isoformat()) if expires is not None else "never"
    limit = row["download_limit"]
    return {
        "download_id": file.get("id", ""),
        "download_url": (
            f"{base}/?download_file={line['product_id']}&order={order['order_key']}"
            f"&key={file.get('id', '')}"
        ),
        "product_id": line["product_id"],
        "variation_id": line["variation_id"],
        "product_name": line["name"],
        "download_name": file.get("name", ""),
        "order_id": order["id"],
        "order_key": order["order_key"],
        "downloads_remaining": "unlimited" if limit < 0 else str(limit),
        "access_expires": expiry,
        "access_expires_gmt": expiry,
        "file": {"name": file.get("name", ""), "file": file.get("file", "")},
    }
