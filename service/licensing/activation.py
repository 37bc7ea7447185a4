"""The public license routes, authenticated by the key alone: validate, activate,
deactivate. The console's "activate on domain" runs :func:`activate` too.

Activate checks, first failure wins: key exists (404) -> product matches (403) ->
the mode is one the product allows (403) -> not disabled/revoked, not expired
(403) -> the domain normalises (400) -> [oauth: return_url (400), then 202 with a
state] -> already active on this domain (200, no new token) -> limit (409) -> 201
with the activation token, shown once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from service.accounts.passwords import digest
from service.audit import log as audit
from service.common.clock import iso
from service.common.errors import ServiceError
from service.common.validation import missing_params
from service.licensing import oauth as license_oauth
from service.licensing.domains import check_return_url, normalise_host, site
from service.licensing.rules import (
    activation_not_found,
    activation_view,
    blocked_or_expired,
    clean_key,
    license_not_found,
    product_mismatch,
    public_license,
)
from service.licensing.seats import Client, close_activation, open_activation
from store import licenses as sql
from store.db import existing

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context
    from store.db import Store, Tx

HEARTBEAT_S = 60  # last_seen_at is refreshed by validate at most this often


@dataclass(frozen=True)
class Activated:
    activation: dict[str, Any]  # carries ``token`` only when one was issued
    license: dict[str, Any]
    token: str | None
    created: bool

    def body(self) -> dict[str, Any]:
        return {
            "activated": True,
            "already_active": not self.created,
            "activation": self.activation,
            "license": self.license,
        }


@dataclass(frozen=True)
class Verdict:
    valid: bool
    code: str
    message: str
    license: dict[str, Any]
    activation: dict[str, Any] | None = field(default=None)

    def body(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "code": self.code,
            "message": self.message,
            "license": self.license,
            "activation": self.activation,
        }


async def license_for_key(db: Store | Tx, license_key: object) -> Any:
    key = clean_key(license_key)
    row = await sql.license_by_key(db, key) if key else None
    if row is None:
        raise license_not_found()
    return row


def sells_as(row: Any, product_id: int | None) -> bool:
    """A product id matches the license's product or its variation."""
    return product_id is None or product_id in (row["product_id"], row["variation_id"] or None)


def allowed_modes(row: Any) -> tuple[str, ...]:
    method = row["activation_method"] or "simple"
    return ("simple", "oauth") if method == "any" else (method,)


def method_not_allowed(allowed: tuple[str, ...]) -> ServiceError:
    return ServiceError(
        "activation_method_not_allowed",
        f"This product's licenses activate with: {' or '.join(allowed)}.",
        403,
        data={"allowed_method": allowed[0] if len(allowed) == 1 else "any"},
    )


async def activate(
    ctx: Context,
    license_key: object,
    domain: object,
    *,
    product_id: int | None = None,
    mode: str | None = None,
    return_url: object = None,
    environment: str | None = None,
    label: str = "",
    client: Client | None = None,
    actor: Actor | None = None,
) -> Activated | license_oauth.PendingApproval:
    """Activate a license on a site. ``actor``: a staff user (the console) may activate
    directly whatever the product's method, and is recorded as having done so."""
    client = client or Client()
    staff = actor is not None and actor.can("manage_woocommerce")
    row = await license_for_key(ctx.store, license_key)
    if not sells_as(row, product_id):
        raise product_mismatch()
    allowed = allowed_modes(row)
    chosen = mode or allowed[0]
    if chosen not in allowed and not (staff and chosen == "simple"):
        raise method_not_allowed(allowed)
    now = ctx.clock.now()
    problem = blocked_or_expired(row, now)
    if problem is not None:
        raise problem
    target = site(domain, environment)
    if chosen == "oauth":
        approved_url = check_return_url(return_url, target)
        return await license_oauth.request_approval(
            ctx, row, target, approved_url, label=label, client=client
        )
    async with ctx.store.transaction() as tx:
        await tx.lock("licenses", row["id"])  # held until commit: see seats.py
        row = existing(await sql.license_by_id(tx, row["id"]), "license")
        opened = await open_activation(
            tx,
            row,
            target,
            method="console" if staff else "simple",
            now=now,
            client=client,
            activated_by=actor.id if staff and actor else None,
            label=label[:100],
        )
        row = existing(await sql.license_by_id(tx, row["id"]), "license")
        if opened.created:
            await audit.record(
                ctx,
                tx,
                "license.activate",
                "license",
                row["id"],
                actor=actor,
                summary={
                    "domain": target.domain,
                    "method": "console" if staff else "simple",
                    "activation_id": opened.activation["id"],
                },
            )
    return Activated(
        activation=activation_view(opened.activation, token=opened.token),
        license=public_license(row, now),
        token=opened.token,
        created=opened.created,
    )


async def validate(
    ctx: Context,
    license_key: object,
    *,
    domain: object = None,
    activation_token: str | None = None,
    product_id: int | None = None,
) -> Verdict:
    """A verdict, not an error: 404 only for an unknown key (and 400 for a domain that
    is not one). Codes in order: license_product_mismatch, license_disabled,
    license_expired, site_inactive (a site was named but is not active), valid."""
    row = await license_for_key(ctx.store, license_key)
    host = normalise_host(domain) if domain not in (None, "") else None
    now = ctx.clock.now()
    activation = await _named_activation(ctx.store, row, host, activation_token)
    shown = activation_view(activation) if activation is not None else None
    public = public_license(row, now)
    if not sells_as(row, product_id):
        return Verdict(False, "license_product_mismatch", product_mismatch().message, public, shown)
    problem = blocked_or_expired(row, now)
    if problem is not None:
        return Verdict(False, problem.code, problem.message, public, shown)
    named = host is not None or bool(activation_token)
    if named and (activation is None or activation["status"] != "active"):
        message = "The license is not active on this site."
        return Verdict(False, "site_inactive", message, public, shown)
    if activation is not None and activation["status"] == "active":
        async with ctx.store.transaction() as tx:
            stale = iso(now - timedelta(seconds=HEARTBEAT_S))
            await sql.touch_activation(tx, activation["id"], iso(now), stale)
    return Verdict(True, "valid", "The license is valid.", public, shown)


async def _named_activation(
    db: Store | Tx, row: Any, host: str | None, token: str | None
) -> Any | None:
    """The activation a request names by token and/or domain (both must agree)."""
    if token:
        found = await sql.activation_by_digest(db, digest(token.strip()))
        if found is None or found["license_id"] != row["id"]:
            return None
        if host is not None and found["domain"] != host:
            return None
        return found
    if host is not None:
        return await sql.activation_for_domain(db, row["id"], host)
    return None


async def deactivate(
    ctx: Context,
    license_key: object,
    *,
    domain: object = None,
    activation_token: str | None = None,
) -> dict[str, Any]:
    """Close one site's activation, named by domain or token. Allowed for expired and
    disabled licenses too (it only frees a slot). Never "all sites": that is admin-only."""
    if domain in (None, "") and not activation_token:
        raise missing_params(["domain", "activation_token"])
    row = await license_for_key(ctx.store, license_key)
    host = normalise_host(domain) if domain not in (None, "") else None
    now = ctx.clock.now()
    async with ctx.store.transaction() as tx:
        activation = await _named_activation(tx, row, host, activation_token)
        if activation is None or activation["status"] != "active":
            raise activation_not_found()
        closed = await close_activation(tx, activation, now)
        row = existing(await sql.license_by_id(tx, row["id"]), "license")
        await _record_deactivation(ctx, tx, closed, None)
    return {
        "deactivated": True,
        "activation": activation_view(closed),
        "license": public_license(row, now),
    }


async def deactivate_activation(ctx: Context, actor: Actor, activation_id: int) -> dict[str, Any]:
    """Staff (the console) closes one activation by id; returns it."""
    if not actor.can("manage_woocommerce"):
        raise ServiceError("rest_forbidden", "Sorry, you are not allowed to do that.", 403)
    async with ctx.store.transaction() as tx:
        activation = await sql.activation_by_id(tx, activation_id)
        if activation is None or activation["status"] != "active":
            raise activation_not_found()
        closed = await close_activation(tx, activation, ctx.clock.now())
        await _record_deactivation(ctx, tx, closed, actor)
    return activation_view(closed, admin=True)


async def _record_deactivation(ctx: Context, tx: Tx, closed: Any, actor: Actor | None) -> None:
    summary = {"domain": closed["domain"], "activation_id": closed["id"]}
    license_id = closed["license_id"]
    await audit.record(
        ctx, tx, "license.deactivate", "license", license_id, actor=actor, summary=summary
    )
