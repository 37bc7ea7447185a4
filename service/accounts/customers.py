"""Customers: users with the customer role (they log in to the account routes) plus a
profile (username, names, billing and shipping addresses), in WooCommerce REST v3's shape.

Staff accounts are not customers: the customer routes answer 404 for them.
``orders_count``, ``total_spent`` and ``is_paying_customer`` are read from the orders.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts import passwords
from service.accounts import users as accounts
from service.audit import log as audit
from service.catalog.rules import wc_date
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.order_states import PAID_STATUSES
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import (
    MISSING,
    Payload,
    db_ints,
    invalid_params,
    present,
    read_address,
)
from service.common.wc_errors import cannot_delete, invalid_id, trash_not_supported
from service.pricing.money import format_amount
from service.settings import shop_settings as store_settings
from store import customers as customer_sql
from store import orders as order_sql
from store import users as user_sql
from store.customers import CustomerQuery
from store.db import Conflict, Store, Tx

if TYPE_CHECKING:
    from service.app.context import Context
    from service.audit.origin import Actor

BILLING_FIELDS = (
    "first_name", "last_name", "company", "address_1", "address_2", "city", "postcode",
    "country", "state", "email", "phone",
)  # fmt: skip
SHIPPING_FIELDS = tuple(f for f in BILLING_FIELDS if f != "email")
CUSTOMER_ORDERBY = ("id", "include", "name", "registered_date", "email")
SEARCH_LIMIT = 20
_USERNAME = re.compile(r"^[A-Za-z0-9 _.@-]{1,60}$")


@dataclass(frozen=True)
class OrderStats:
    orders_count: int = 0
    total_spent: int = 0  # minor units
    is_paying_customer: bool = False


@dataclass
class CustomerFilters:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    email: str = ""
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "name"
    order: str = "asc"


async def _order_stats(db: Store, customer_ids: list[int]) -> dict[int, OrderStats]:
    """orders_count, total_spent and is_paying_customer, from the orders' rows."""
    rows = await order_sql.customer_stats(db, customer_ids, sorted(PAID_STATUSES))
    return {r["customer_id"]: OrderStats(r["orders"], r["spent"], r["paid"] > 0) for r in rows}


def _not_found() -> ServiceError:
    return invalid_id("woocommerce_rest_invalid_id", "Invalid resource ID.")


# -- reads -------------------------------------------------------------------------------
async def _render(ctx: Context, rows: list[Any]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    stats = await _order_stats(ctx.store, ids) if ids else {}
    decimals = await store_settings.decimals(ctx)
    return [_customer_dict(row, stats.get(row["id"], OrderStats()), decimals) for row in rows]


def _address(stored: str | None, fields: tuple[str, ...]) -> dict[str, str]:
    values = json.loads(stored) if stored else {}
    return {f: values.get(f, "") for f in fields}


def _customer_dict(row: Any, stats: OrderStats, decimals: int) -> dict[str, Any]:
    created = wc_date(row["created_at"])
    modified = wc_date(row["modified_at"]) or created
    digest = hashlib.md5(row["email"].strip().lower().encode(), usedforsecurity=False).hexdigest()
    return {
        "id": row["id"],
        "date_created": created,
        "date_created_gmt": created,
        "date_modified": modified,
        "date_modified_gmt": modified,
        "email": row["email"],
        "first_name": row["first_name"] or "",
        "last_name": row["last_name"] or "",
        "role": row["role"],
        "username": row["username"] or default_username(row["email"]),
        "billing": _address(row["billing"], BILLING_FIELDS),
        "shipping": _address(row["shipping"], SHIPPING_FIELDS),
        "is_paying_customer": stats.is_paying_customer,
        "orders_count": stats.orders_count,
        "total_spent": format_amount(stats.total_spent, decimals),
        "avatar_url": f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g",
        "meta_data": [],
    }


async def list_customers(
    ctx: Context, filters: CustomerFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    f = filters or CustomerFilters()
    if f.orderby not in CUSTOMER_ORDERBY or f.order not in ("asc", "desc"):
        raise invalid_params({"orderby": f"orderby is not one of {', '.join(CUSTOMER_ORDERBY)}."})
    if problems := wc_page_problems(f.page, f.per_page):
        raise invalid_params(problems)
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    query = CustomerQuery(
        limit=limit,
        offset=offset,
        search=f.search.strip(),
        email=f.email,
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        orderby=f.orderby,
        order=f.order,
    )
    rows, total = await customer_sql.list_customers(ctx.store, query)
    return await _render(ctx, rows), total


async def get_customer(ctx: Context, customer_id: int) -> dict[str, Any]:
    row = await customer_sql.by_id(ctx.store, customer_id)
    if row is None:
        raise _not_found()
    return (await _render(ctx, [row]))[0]


async def search_customers(
    ctx: Context, text: str, limit: int = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """Order-form search by name, email, username or id: at most 20 customers."""
    rows = await customer_sql.search(
        ctx.store, (text or "").strip(), max(1, min(limit, SEARCH_LIMIT))
    )
    out = []
    for row in rows:
        name = f"{row['first_name'] or ''} {row['last_name'] or ''}".strip()
        out.append(
            {
                "id": row["id"],
                "name": name or row["display_name"],
                "email": row["email"],
                "first_name": row["first_name"] or "",
                "last_name": row["last_name"] or "",
                "billing": _address(row["billing"], BILLING_FIELDS),
                "shipping": _address(row["shipping"], SHIPPING_FIELDS),
            }
        )
    return out


# -- writes ------------------------------------------------------------------------------
def default_username(email: str) -> str:
    local = email.split("@", 1)[0]
    return re.sub(r"[^A-Za-z0-9_.-]", "", local)[:50] or "customer"


def _read(data: Any, creating: bool) -> dict[str, Any]:
    p = Payload(data)
    values = {
        "email": p.email("email") if p.has("email") or not creating else MISSING,
        "first_name": p.text("first_name", max_length=100),
        "last_name": p.text("last_name", max_length=100),
        "username": p.text("username", max_length=60),
        "password": _password(p),
        "billing": read_address(p, "billing", BILLING_FIELDS),
        "shipping": read_address(p, "shipping", SHIPPING_FIELDS),
    }
    if creating and not p.has("email"):
        p.fail("email", "email is required.")
    username = values["username"]
    if username not in (MISSING, "") and not _USERNAME.match(username):
        p.fail("username", "Please enter a valid account username.")
    p.check()
    return present(values)


def _password(p: Payload) -> Any:
    if not p.has("password"):
        return MISSING
    value = p.raw("password")
    if not isinstance(value, str) or len(value) < accounts.MIN_PASSWORD:
        return p.fail("password", f"password must be at least {accounts.MIN_PASSWORD} characters.")
    if len(value) > 4096:
        return p.fail("password", "password is too long.")
    return value


def _display_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip()[:100] or username


async def _free_username(db: Store | Tx, base: str) -> str:
    candidate, n = base, 2
    while await customer_sql.username_owner(db, candidate) is not None:
        candidate = f"{base[:55]}-{n}"
        n += 1
    return candidate


def _email_exists() -> ServiceError:
    return ServiceError(
        "registration-error-email-exists",
        "An account is already registered with your email address. Please log in.",
        400,
    )


def _username_exists() -> ServiceError:
    return ServiceError(
        "registration-error-username-exists",
        "An account is already registered with that username. Please choose another.",
        400,
    )


async def create_customer(
    ctx: Context, data: Any, *, password_hash: str | None = None
) -> dict[str, Any]:
    """A customer who can log in; without a password they get a random one.
    ``password_hash``: the given password already hashed (see ``users.new_user``)."""
    if isinstance(data, dict) and data.get("id"):
        raise ServiceError("woocommerce_rest_customer_exists", "Cannot create existing resource.")
    values = _read(data, creating=True)
    email = values["email"]
    if await customer_sql.email_owner(ctx.store, email) is not None:
        raise _email_exists()
    wanted = values.get("username") or ""
    if wanted and await customer_sql.username_owner(ctx.store, wanted) is not None:
        raise _username_exists()
    first, last = values.get("first_name", ""), values.get("last_name", "")
    password = values.get("password") or secrets.token_urlsafe(18)
    display = _display_name(first, last, wanted or default_username(email))
    new = await accounts.new_user(
        ctx, email, password, "customer", display, password_hash=password_hash
    )
    async with ctx.store.transaction() as tx:  # the account and its profile, or neither
        if wanted and await customer_sql.username_owner(tx, wanted) is not None:
            raise _username_exists()
        try:
            user = await accounts.insert_user(tx, ctx, new)
        except ServiceError as err:
            if err.code == "email_exists":
                raise _email_exists() from None
            raise
        username = wanted or await _free_username(tx, default_username(email))
        await customer_sql.save_profile(
            tx, user.id, _profile(values, username), iso(ctx.clock.now())
        )
        summary = {**_changed(values), "username": username}
        await audit.record(ctx, tx, "customer.create", "customer", user.id, summary=summary)
    return await get_customer(ctx, user.id)


def _changed(values: dict[str, Any]) -> dict[str, Any]:
    """An audit summary of ``values``: the fields given, and their new values except the
    password's (which never reaches the log: only that it changed)."""
    return {"changed": sorted(values), **{k: v for k, v in values.items() if k != "password"}}


def _profile(values: dict[str, Any], username: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if username is not None:
        out.update(username=username, username_key=username.lower())
    for key in ("first_name", "last_name"):
        if key in values:
            out[key] = values[key]
    for key in ("billing", "shipping"):
        if key in values:
            out[key] = json.dumps(values[key], ensure_ascii=False)
    return out


async def update_customer(
    ctx: Context,
    customer_id: int,
    data: Any,
    *,
    actor: Actor | None = None,
    audit_action: str = "customer.update",
) -> dict[str, Any]:
    """A partial update; addresses change field by field. A new password signs the
    customer out everywhere (their tokens are revoked). ``audit_action`` names the
    change in the audit log (the storefront's own account pages have theirs)."""
    values = _read(data, creating=False)
    summary = _changed(values)
    hashed = None
    if "password" in values:
        hashed = await asyncio.to_thread(
            passwords.hash_password, values["password"], ctx.settings.password_hash_cost
        )
    async with ctx.store.transaction() as tx:
        row = await customer_sql.by_id(tx, customer_id)
        if row is None:
            raise _not_found()
        current = _customer_dict(row, OrderStats(), 0)
        if values.get("username") and values["username"] != current["username"]:
            raise ServiceError(
                "woocommerce_rest_customer_invalid_argument", "Username isn't editable.", 400
            )
        email = values.get("email") or ""
        changing = email and email.lower() != row["email"].lower()
        if changing and await customer_sql.email_owner(tx, email) is not None:
            raise ServiceError(
                "woocommerce_rest_customer_invalid_email", "Email address is invalid.", 400
            )
        if email and email != row["email"]:
            await customer_sql.set_email(tx, customer_id, email)
        for key in ("billing", "shipping"):
            if key in values:
                values[key] = {**current[key], **values[key]}
        username = None if row["username"] else await _free_username(tx, current["username"])
        await customer_sql.save_profile(
            tx, customer_id, _profile(values, username), iso(ctx.clock.now())
        )
        user_fields: dict[str, Any] = {}
        if "first_name" in values or "last_name" in values:
            user_fields["display_name"] = _display_name(
                values.get("first_name", current["first_name"]),
                values.get("last_name", current["last_name"]),
                current["username"],
            )
        if hashed is not None:
            user_fields["password_hash"] = hashed
        if user_fields:
            await user_sql.update_user(tx, customer_id, **user_fields)
        if hashed is not None:
            await user_sql.bump_token_version(tx, customer_id)
        await audit.record(
            ctx, tx, audit_action, "customer", customer_id, summary=summary, actor=actor
        )
    _forget_cached_user(ctx, customer_id)
    return await get_customer(ctx, customer_id)


async def delete_customer(ctx: Context, customer_id: int, force: bool = False) -> dict[str, Any]:
    """Customers have no trash: without ``force`` this is 501, as in WooCommerce."""
    if not force:
        raise trash_not_supported("Customers do not support trashing.")
    previous = await get_customer(ctx, customer_id)
    try:
        async with ctx.store.transaction() as tx:
            if not await customer_sql.delete_customer(tx, customer_id):
                raise _not_found()
            summary = {"email": previous["email"], "username": previous["username"]}
            await audit.record(ctx, tx, "customer.delete", "customer", customer_id, summary=summary)
    except Conflict:
        raise cannot_delete("Other records still refer to this customer.") from None
    _forget_cached_user(ctx, customer_id)
    return previous


def _forget_cached_user(ctx: Context, user_id: int) -> None:
    accounts.forget_user(ctx, user_id)
