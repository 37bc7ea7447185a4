"""Opening and closing a license's activations: the one place the limit is enforced.

Call inside ``ctx.store.transaction()`` with the license row read in that same
transaction. Both functions first take the license's row (``Tx.lock``): on SQLite
transactions are serialised anyway (one writer, BEGIN IMMEDIATE); on PostgreSQL, with
many writers in many processes, a second activation of the same license waits there
until the first commits, then counts the active rows it wrote (READ COMMITTED reads
afresh per statement), so counting and inserting cannot over-activate. The UNIQUE
(license_id, domain) index is the backstop that keeps one row per site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.accounts.passwords import digest
from service.common.clock import iso
from service.licensing.domains import Site
from service.licensing.rules import blocked_or_expired, generate_token, limit_reached
from store import licenses as sql
from store.db import Tx


@dataclass(frozen=True)
class Client:
    """Who asked, for the record (never used to decide)."""

    ip: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class Opened:
    activation: Any  # the activation row after the change
    token: str | None  # the new token, shown once; None when an active site was found
    created: bool  # a slot was taken (new row or a reopened one)


async def open_activation(
    tx: Tx,
    license_row: Any,
    target: Site,
    *,
    method: str,
    now: datetime,
    client: Client,
    activated_by: int | None = None,
    label: str = "",
    reissue: bool = False,
) -> Opened:
    """Activate ``target`` on the license, or find it already active.

    Raises 403 ``license_disabled``/``license_expired`` and 409
    ``activation_limit_reached`` (local sites never count and are never refused).
    An already-active site is returned as is, without a token, unless ``reissue``
    (an owner's OAuth approval): then its token is replaced and the new one returned.
    """
    problem = blocked_or_expired(license_row, now)
    if problem is not None:
        raise problem
    license_id = license_row["id"]
    await tx.lock("licenses", license_id)
    stamp = iso(now)
    existing = await sql.activation_for_domain(tx, license_id, target.domain)
    if existing is not None and existing["status"] == "active":
        return await _found_active(tx, existing, stamp, method, activated_by, reissue)
    await _check_limit(tx, license_row, target)
    token = generate_token()
    values = {
        **_new_activation(target, client, label, stamp),
        "token_digest": digest(token),
        "method": method,
        "activated_by": activated_by,
    }
    if existing is None:
        activation_id = await sql.insert_activation(
            tx, {"license_id": license_id, "domain": target.domain, **values}
        )
    else:
        activation_id = existing["id"]
        await sql.update_activation(tx, activation_id, values)
    await sql.sync_usage_status(tx, stamp, license_id=license_id)
    return Opened(await sql.activation_by_id(tx, activation_id), token, True)


async def _found_active(
    tx: Tx, existing: Any, stamp: str | None, method: str, activated_by: int | None, reissue: bool
) -> Opened:
    """The site is already active: note that it was seen, or give it a new token."""
    if not reissue:
        await sql.update_activation(tx, existing["id"], {"last_seen_at": stamp})
        return Opened(await sql.activation_by_id(tx, existing["id"]), None, False)
    token = generate_token()
    await sql.update_activation(
        tx,
        existing["id"],
        {"token_digest": digest(token), "method": method, "activated_by": activated_by,
         "last_seen_at": stamp},
    )  # fmt: skip
    return Opened(await sql.activation_by_id(tx, existing["id"]), token, False)


async def _check_limit(tx: Tx, license_row: Any, target: Site) -> None:
    """409 when the license's sites are all taken; local sites never count."""
    limit = license_row["activation_limit"]
    if not target.is_local and limit is not None:
        count = await sql.count_counted(tx, license_row["id"])
        if count >= limit:
            raise limit_reached(license_row, count)


def _new_activation(target: Site, client: Client, label: str, stamp: str | None) -> dict[str, Any]:
    """The columns of an activation opened now (a new row, or a closed one reopened),
    apart from its token and how it was opened."""
    return {
        "raw_url": target.raw_url,
        "is_local": int(target.is_local),
        "environment": target.environment,
        "label": label,
        "status": "active",
        "ip": client.ip,
        "user_agent": client.user_agent[:500],
        "activated_at": stamp,
        "deactivated_at": None,
        "last_seen_at": stamp,
    }


async def close_activation(tx: Tx, activation: Any, now: datetime) -> Any:
    """Deactivate one site (its row is kept, as history); returns the row after."""
    await tx.lock("licenses", activation["license_id"])
    stamp = iso(now)
    await sql.update_activation(
        tx, activation["id"], {"status": "deactivated", "deactivated_at": stamp}
    )
    await sql.sync_usage_status(tx, stamp, license_id=activation["license_id"])
    return await sql.activation_by_id(tx, activation["id"])
