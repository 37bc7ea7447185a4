"""OAuth-style activation: the license's owner approves a site in the browser.

``activate`` in oauth mode stores a request and hands back a single-use ``state``
(only its SHA-256 is kept, for 15 minutes) and the store page that asks the owner.
That page reads the request (:func:`describe`) and posts the owner's decision
(:func:`confirm`); the console approves or denies by request id on the owner's
behalf (:func:`decide`), recorded as whoever the console acts for: the signed-in
user (their id as the request's ``confirmed_by``), or the local operator (no user id; the audit log
names them).

State errors, in this order: unknown 404 ``oauth_state_invalid``; already approved
or denied 409 ``oauth_state_used`` (even once past its expiry); expired 410
``oauth_state_expired``. Then the owner: 403 ``oauth_not_license_owner``.
An approval consumes the state in the transaction that opens the activation; when
the limit is reached (409) nothing is written and the state stays usable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from service.accounts.passwords import digest
from service.audit import log as audit
from service.common.clock import iso, parse_iso
from service.common.errors import ServiceError
from service.licensing.domains import Site
from service.licensing.rules import (
    OAUTH_TTL_S,
    activation_view,
    generate_state,
    is_expired,
    mask_key,
    public_license,
)
from service.licensing.seats import Client, open_activation
from store import licenses as sql
from store.db import existing

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.accounts.users import User
    from service.app.context import Context
    from store.db import Row, Tx

CONNECT_PAGE = "/my-account/license-connect"
DECISIONS = ("approve", "deny")
# Unanswered requests are kept this long after they expire (410 rather than 404), then
# dropped when the license asks again, so a client retrying in a loop cannot pile them up.
KEEP_EXPIRED = timedelta(days=1)


@dataclass(frozen=True)
class PendingApproval:
    state: str
    authorize_url: str
    expires_at: str
    expires_in: int

    def body(self) -> dict[str, Any]:
        return {
            "mode": "oauth",
            "state": self.state,
            "authorize_url": self.authorize_url,
            "expires_at": self.expires_at,
            "expires_in": self.expires_in,
        }


@dataclass(frozen=True)
class Decision:
    approved: bool
    redirect_url: str
    activation: dict[str, Any] | None  # without its token (that is in redirect_url)
    token: str | None
    license: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {
            "approved": self.approved,
            "redirect_url": self.redirect_url,
            "activation": self.activation,
            "license": self.license,
        }


async def request_approval(
    ctx: Context, license_row: Any, target: Site, return_url: str, *, label: str, client: Client
) -> PendingApproval:
    state = generate_state()
    now = ctx.clock.now()
    expires_at = iso(now + timedelta(seconds=OAUTH_TTL_S))
    async with ctx.store.transaction() as tx:
        await sql.delete_expired_pending(tx, [license_row["id"]], iso(now - KEEP_EXPIRED) or "")
        await sql.insert_request(
            tx,
            {
                "state_hash": digest(state),
                "license_id": license_row["id"],
                "domain": target.domain,
                "raw_url": target.raw_url,
                "is_local": int(target.is_local),
                "environment": target.environment,
                "label": label[:100],
                "return_url": return_url,
                "ip": client.ip,
                "user_agent": client.user_agent[:500],
                "created_at": iso(now),
                "expires_at": expires_at,
            },
        )
    url = f"{ctx.settings.base_url}{CONNECT_PAGE}?state={quote(state, safe='')}"
    return PendingApproval(state, url, expires_at or "", OAUTH_TTL_S)


def _pending(request: Row | None, now: datetime) -> Row:
    """The request, while it can still be decided; else the reason it cannot."""
    if request is None:
        raise ServiceError("oauth_state_invalid", "This activation request is not valid.", 404)
    if request["status"] != "pending":
        raise ServiceError(
            "oauth_state_used",
            f"This activation request was already {request['status']}.",
            409,
            data={"state_status": request["status"]},
        )
    if is_expired(request["expires_at"], now):
        raise ServiceError(
            "oauth_state_expired",
            "This activation request has expired; start the activation again from the site.",
            410,
            data={"expires_at": request["expires_at"]},
        )
    return request


def _is_owner(request: Any, user: Actor) -> bool:
    return request["customer_id"] is not None and request["customer_id"] == user.id


def _seconds_left(expires_at: str, now: datetime) -> int:
    moment = parse_iso(expires_at)
    return max(0, int((moment - now).total_seconds())) if moment else 0


async def describe(ctx: Context, user: User, state: str) -> dict[str, Any]:
    """What the confirmation page shows; never the full key."""
    now = ctx.clock.now()
    request = _pending(await sql.request_by_hash(ctx.store, digest(state.strip())), now)
    row = existing(await sql.license_by_id(ctx.store, request["license_id"]), "license")
    public = public_license(row, now)
    return {
        "state_status": "pending",
        "expires_at": request["expires_at"],
        "expires_in": _seconds_left(request["expires_at"], now),
        "domain": request["domain"],
        "is_local": bool(request["is_local"]),
        "environment": request["environment"],
        "return_url_host": urlsplit(request["return_url"]).hostname or "",
        "product": {"id": row["product_id"], "name": row["product_name"] or ""},
        "license": {
            "license_key_masked": mask_key(row["license_key"]),
            "status": public["status"],
            "expired": public["expired"],
            "expires_at": public["expires_at"],
            "activation_limit": public["activation_limit"],
            "activation_count": public["activation_count"],
            "activations_left": public["activations_left"],
        },
        "is_owner": _is_owner(request, user),
        "can_approve": _is_owner(request, user) or user.can("manage_woocommerce"),
    }


async def confirm(ctx: Context, user: User, state: str, decision: str) -> Decision:
    """The owner's (or staff's) decision on the request named by ``state``."""
    async with ctx.store.transaction() as tx:
        request = await sql.request_by_hash(tx, digest(state.strip()))
        decided = await _decide(tx, ctx.clock.now(), request, user, decision, state.strip())
        await _record(ctx, tx, request, decided, user)
        return decided


async def decide(ctx: Context, actor: Actor, request_id: int, decision: str) -> Decision:
    """The console's approve/deny by request id (it never sees the state)."""
    async with ctx.store.transaction() as tx:
        request = await sql.request_by_id(tx, request_id)
        decided = await _decide(tx, ctx.clock.now(), request, actor, decision, None)
        await _record(ctx, tx, request, decided, actor)
        return decided


async def _record(
    ctx: Context, tx: Tx, request: Row | None, decided: Decision, actor: Actor
) -> None:
    assert request is not None  # _decide refused a missing request
    action = "license.approve" if decided.approved else "license.deny"
    summary = {"request_id": request["id"], "domain": request["domain"]}
    await audit.record(
        ctx, tx, action, "license", request["license_id"], actor=actor, summary=summary
    )


async def _decide(
    tx: Tx, now: datetime, found: Row | None, user: Actor, decision: str, state: str | None
) -> Decision:
    request = _pending(found, now)
    if not (_is_owner(request, user) or user.can("manage_woocommerce")):
        raise ServiceError(
            "oauth_not_license_owner", "Only the license's owner can approve this site.", 403
        )
    if decision not in DECISIONS:
        raise ServiceError("rest_invalid_param", "decision is not one of approve, deny.", 400)
    await tx.lock("licenses", request["license_id"])
    row = await sql.license_by_id(tx, request["license_id"])
    stamp = iso(now)
    if decision == "deny":
        await _consume(tx, request, "denied", stamp, user.id, None)
        params = {"status": "denied", "error": "access_denied"}
        url = _redirect(request["return_url"], state, params)
        return Decision(False, url, None, None, public_license(row, now))
    target = Site(
        request["domain"], bool(request["is_local"]), request["environment"], request["raw_url"]
    )
    opened = await open_activation(
        tx,
        row,
        target,
        method="oauth",
        now=now,
        client=Client(request["ip"], request["user_agent"]),
        activated_by=user.id,
        label=request["label"],
        reissue=True,
    )
    await _consume(tx, request, "approved", stamp, user.id, opened.activation["id"])
    row = await sql.license_by_id(tx, request["license_id"])
    params = {"status": "approved", "activation_token": opened.token or ""}
    return Decision(
        True,
        _redirect(request["return_url"], state, params),
        activation_view(opened.activation),
        opened.token,
        public_license(row, now),
    )


async def _consume(
    tx: Tx, request: Any, status: str, stamp: str, by: int | None, activation_id: int | None
) -> None:
    if await sql.consume_request(tx, request["id"], status, stamp, by, activation_id) != 1:
        # Another process approved or denied it first (the UPDATE waited for its commit
        # and found it no longer pending), or the clock went backwards: fail closed.
        raise ServiceError("oauth_state_used", "This activation request was already used.", 409)


def _redirect(return_url: str, state: str | None, params: dict[str, str]) -> str:
    parts = urlsplit(return_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    added = ([("state", state)] if state else []) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode([*query, *added])))


async def pending_requests(ctx: Context) -> list[dict[str, Any]]:
    """Requests waiting for an owner's decision and not yet expired, soonest first."""
    now = ctx.clock.now()
    rows = await sql.pending_requests(ctx.store, iso(now) or "")
    return [
        {
            "id": r["id"],
            "domain": r["domain"],
            "environment": r["environment"],
            "is_local": bool(r["is_local"]),
            "license_id": r["license_id"],
            "license_key_masked": mask_key(r["license_key"]),
            "product_id": r["product_id"],
            "product_name": r["product_name"] or "",
            "customer_id": r["customer_id"],
            "customer_email": r["customer_email"] or "",
            "return_url_host": urlsplit(r["return_url"]).hostname or "",
            "requested_at": r["created_at"],
            "expires_at": r["expires_at"],
            "expires_in": _seconds_left(r["expires_at"], now),
        }
        for r in rows
    ]
