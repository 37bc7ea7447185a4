"""Licenses as the shop's staff manage them: list, issue, edit, disable, re-enable,
extend, delete. The public (key-authenticated) routes are in license_activation.

``status`` is stored; ``active``/``inactive`` follow the activations (active while a
site is activated), so setting either one means "enabled" and the stored value is
recomputed. ``disabled`` (refunds, cancellations, staff) and ``revoked`` (staff)
block validation and activation; activations are kept, so re-enabling a license
brings its sites back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.common.clock import iso, parse_iso
from service.common.errors import ServiceError
from service.common.paging import wc_page_problems, wc_window
from service.common.validation import MISSING, Payload, db_int, db_ints, invalid_params
from service.common.wc_errors import invalid_id, trash_not_supported
from service.licensing import rules
from store import catalog as catalog_sql
from store import licenses as sql
from store import users as user_sql
from store.db import Conflict
from store.licenses import LicenseQuery

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from store.db import Tx

LICENSE_ORDERBY = ("date", "id", "expires_at", "key")
WRITABLE = (
    "license_key", "product_id", "variation_id", "customer_id", "order_id", "status",
    "activation_limit", "expires_at", "valid_for_days",
)  # fmt: skip
MAX_VALIDITY_DAYS = 36_500
KEY_ATTEMPTS = 5


@dataclass
class LicenseFilters:
    page: int = 1
    per_page: int = 10
    offset: int | None = None
    search: str = ""
    status: str = ""
    product_id: int | None = None
    customer_id: int | None = None
    order_id: int | None = None
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    orderby: str = "date"
    order: str = "desc"


def license_invalid_id() -> ServiceError:
    return invalid_id("woocommerce_rest_license_invalid_id", "Invalid ID.")


async def _render(ctx: Context, rows: list[Any]) -> list[dict[str, Any]]:
    now = ctx.clock.now()
    activations = await sql.activations_of(ctx.store, [r["id"] for r in rows]) if rows else []
    by_license: dict[int, list[Any]] = {}
    for a in activations:
        by_license.setdefault(a["license_id"], []).append(a)
    return [rules.admin_license(r, by_license.get(r["id"], []), now) for r in rows]


async def list_licenses(
    ctx: Context, filters: LicenseFilters | None = None
) -> tuple[list[dict[str, Any]], int]:
    f = filters or LicenseFilters()
    problems = {}
    if f.orderby not in LICENSE_ORDERBY:
        problems["orderby"] = f"orderby is not one of {', '.join(LICENSE_ORDERBY)}."
    if f.status and f.status not in rules.LIST_STATUSES:
        problems["status"] = f"status is not one of {', '.join(rules.LIST_STATUSES)}."
    if problems:
        raise invalid_params(problems)
    if problems := wc_page_problems(f.page, f.per_page):
        raise invalid_params(problems)
    limit, offset = wc_window(f.page, f.per_page, f.offset)
    query = LicenseQuery(
        now=iso(ctx.clock.now()) or "",
        limit=limit,
        offset=offset,
        search=f.search.strip(),
        status=f.status,
        product_id=db_int(f.product_id) if f.product_id is not None else None,
        customer_id=db_int(f.customer_id) if f.customer_id is not None else None,
        order_id=db_int(f.order_id) if f.order_id is not None else None,
        include=db_ints(f.include),
        exclude=db_ints(f.exclude),
        orderby=f.orderby,
        order=f.order,
    )
    rows, total = await sql.list_licenses(ctx.store, query)
    return await _render(ctx, rows), total


async def get_license(ctx: Context, license_id: int) -> dict[str, Any]:
    row = await sql.license_by_id(ctx.store, db_int(license_id))
    if row is None:
        raise license_invalid_id()
    return (await _render(ctx, [row]))[0]


async def licensed_products(ctx: Context) -> list[dict[str, Any]]:
    """Products that issue licenses, for the console's "issue" form."""
    return [dict(row) for row in await sql.licensed_products(ctx.store)]


async def _product(tx: Tx, product_id: int, variation_id: int, problems: dict[str, str]) -> Any:
    product = await catalog_sql.by_id(tx, db_int(product_id))
    if product is None or product["parent_id"] is not None or product["status"] == "trash":
        problems["product_id"] = "product_id is not a product."
        return None
    if variation_id:
        variation = await catalog_sql.by_id(tx, db_int(variation_id))
        if variation is None or variation["parent_id"] != product["id"]:
            problems["variation_id"] = "variation_id is not a variation of the product."
    return product


def _read(payload: Any) -> tuple[dict[str, Any], dict[str, str]]:
    p = Payload(payload if payload is not None else {})
    values = {
        "license_key": p.text("license_key", max_length=rules.MAX_KEY),
        "product_id": p.integer("product_id", minimum=1),
        "variation_id": p.integer("variation_id", minimum=0),
        "customer_id": p.integer("customer_id", minimum=0, nullable=True),
        "order_id": p.integer("order_id", minimum=1, nullable=True),
        "status": p.choice("status", rules.STATUSES),
        "activation_limit": p.integer("activation_limit", minimum=1, nullable=True),
        "expires_at": p.date("expires_at"),
        "valid_for_days": p.integer(
            "valid_for_days", minimum=1, maximum=MAX_VALIDITY_DAYS, nullable=True
        ),
    }
    if values["license_key"] == "":
        p.fail("license_key", "license_key must not be empty.")
    return {k: v for k, v in values.items() if v is not MISSING}, p.problems


async def _check_customer(tx: Tx, values: dict[str, Any], problems: dict[str, str]) -> None:
    customer_id = values.get("customer_id")
    if customer_id == 0:
        values["customer_id"] = None
    elif customer_id is not None and await user_sql.by_id(tx, db_int(customer_id)) is None:
        problems["customer_id"] = "customer_id is not a user."


def _expiry(values: dict[str, Any], now: datetime) -> None:
    """``expires_at`` wins; else ``valid_for_days`` counts from now (null = lifetime)."""
    if "expires_at" in values:
        values["expires_at"] = iso(values["expires_at"])
        values["valid_for_days"] = None
    elif "valid_for_days" in values:
        days = values["valid_for_days"]
        values["expires_at"] = iso(now + timedelta(days=days)) if days else None


async def create_license(ctx: Context, actor: Actor, payload: Any) -> dict[str, Any]:
    """Issue a license by hand. The product's activation limit and validity are the
    defaults; ``license_key`` may be given (unique), else one is generated."""
    values, problems = _read(payload)
    if "product_id" not in values:
        problems.setdefault("product_id", "product_id is required.")
    now = ctx.clock.now()
    async with ctx.store.transaction() as tx:
        product = None
        if "product_id" in values:
            product = await _product(
                tx, values["product_id"], values.get("variation_id", 0), problems
            )
        await _check_customer(tx, values, problems)
        key = values.get("license_key")
        if key is not None and await sql.key_taken(tx, key):
            problems["license_key"] = "license_key is already in use."
        if problems:
            raise invalid_params(problems)
        assert product is not None
        values.setdefault("activation_limit", product["license_activation_limit"])
        if "expires_at" not in values and "valid_for_days" not in values:
            values["valid_for_days"] = product["license_validity_days"]
        _expiry(values, now)
        status = values.get("status", "inactive")
        stamp = iso(now)
        values.update(
            status="inactive" if status == "active" else status,
            source="manual",
            created_by=actor.id,
            created_at=stamp,
            updated_at=stamp,
        )
        license_id = await insert_with_key(tx, values, key)
        await audit.record(
            ctx,
            tx,
            "license.create",
            "license",
            license_id,
            actor=actor,
            summary=license_summary(values),
        )
    return await get_license(ctx, license_id)


# What an audit entry keeps of a license's fields: never the key itself.
_SHOWN = ("product_id", "variation_id", "customer_id", "status", "activation_limit",
          "expires_at", "valid_for_days", "source")  # fmt: skip


def license_summary(values: dict[str, Any]) -> dict[str, Any]:
    shown = {name: values[name] for name in _SHOWN if name in values}
    if "license_key" in values:
        shown["key_changed"] = True
    return shown


def _action(values: dict[str, Any]) -> str:
    """``license.block``/``unblock``/``revoke`` for a status change alone, else ``update``."""
    if set(values) != {"status"}:
        return "license.update"
    return {"disabled": "license.block", "revoked": "license.revoke"}.get(
        values["status"], "license.unblock"
    )


async def insert_with_key(tx: Tx, values: dict[str, Any], key: str | None = None) -> int:
    """Insert a license; a generated key that collides is drawn again. The key's UNIQUE
    constraint decides: another process may store the same key between our check and
    our insert (then a given key is refused as taken, a generated one drawn again)."""
    for _ in range(KEY_ATTEMPTS):
        candidate = key or rules.generate_key()
        if key is None and await sql.key_taken(tx, candidate):
            continue
        try:
            async with tx.savepoint("license_key"):
                return await sql.insert_license(tx, {**values, "license_key": candidate})
        except Conflict:
            if not await sql.key_taken(tx, candidate):
                raise
            if key is not None:
                raise invalid_params({"license_key": "license_key is already in use."}) from None
    raise ServiceError("license_key_exhausted", "Could not generate a unique license key.", 500)


async def update_license(
    ctx: Context, actor: Actor, license_id: int, payload: Any
) -> dict[str, Any]:
    values, problems = _read(payload)
    async with ctx.store.transaction() as tx:
        row = await _row(tx, license_id)
        summary = license_summary(values)
        action = _action(values)
        await _apply(tx, row, values, problems, ctx.clock.now())
        await audit.record(ctx, tx, action, "license", row["id"], actor=actor, summary=summary)
    return await get_license(ctx, row["id"])


async def _row(tx: Tx, license_id: int) -> Any:
    row = await sql.license_by_id(tx, db_int(license_id))
    if row is None:
        raise license_invalid_id()
    return row


async def _apply(
    tx: Tx, row: Any, values: dict[str, Any], problems: dict[str, str], now: datetime
) -> None:
    if "product_id" in values or "variation_id" in values:
        await _product(
            tx,
            values.get("product_id", row["product_id"]),
            values.get("variation_id", row["variation_id"]),
            problems,
        )
    await _check_customer(tx, values, problems)
    if "license_key" in values and await sql.key_taken(tx, values["license_key"], row["id"]):
        problems["license_key"] = "license_key is already in use."
    if problems:
        raise invalid_params(problems)
    _expiry(values, now)
    stamp = iso(now)
    enable = values.get("status") in ("active", "inactive")
    if enable:
        values.pop("status")
    await sql.update_license(tx, row["id"], {**values, "updated_at": stamp})
    if enable:
        await sql.sync_usage_status(tx, stamp, license_id=row["id"], from_statuses=rules.STATUSES)


async def set_enabled(ctx: Context, actor: Actor, license_id: int, enabled: bool) -> dict[str, Any]:
    """Disable a license, or re-enable a disabled or revoked one (the console's keys)."""
    status = "active" if enabled else "disabled"
    return await update_license(ctx, actor, license_id, {"status": status})


async def extend_license(ctx: Context, actor: Actor, license_id: int, days: int) -> dict[str, Any]:
    """Add ``days`` to the expiry, counted from now when the license has already
    expired (a renewal never starts in the past). A lifetime license stays lifetime."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VALIDITY_DAYS:
        raise invalid_params({"days": f"days must be between 1 and {MAX_VALIDITY_DAYS}."})
    now = ctx.clock.now()
    async with ctx.store.transaction() as tx:
        row = await _row(tx, license_id)
        current = parse_iso(row["expires_at"])
        if current is None:
            raise ServiceError(
                "license_lifetime", "This license never expires; there is nothing to extend.", 400
            )
        expires = max(now, current) + timedelta(days=days)
        await _apply(tx, row, {"expires_at": expires}, {}, now)
        summary = {"days": days, "expires_at": iso(expires)}
        await audit.record(
            ctx, tx, "license.extend", "license", row["id"], actor=actor, summary=summary
        )
    return await get_license(ctx, row["id"])


async def delete_license(ctx: Context, license_id: int, force: bool) -> dict[str, Any]:
    """Delete for good (with its activations and requests); licenses have no trash."""
    before = await get_license(ctx, license_id)
    if not force:
        raise trash_not_supported("Licenses do not support trashing. Set 'force' to true.")
    async with ctx.store.transaction() as tx:
        await sql.delete_license(tx, before["id"])
        await audit.record(
            ctx, tx, "license.delete", "license", before["id"], summary={"force": True}
        )
    return before
