"""WooCommerce REST API keys: create (shown once), list, revoke, and ``last_access``.

A key is ``ck_`` + 40 hex characters with a secret ``cs_`` + 40 hex, as WooCommerce
makes them (``wc_rand_hash``). Who may manage a user's keys: that user, or an
administrator (the local operator at the console or CLI has an administrator's
authority; over SSH the console acts as the signed-in user). How the key and secret are kept:
``service.accounts.api_key_crypto``; how a request proves them: ``api_key_auth``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.accounts.api_key_crypto import wc_api_hash
from service.audit import log as audit
from service.common.clock import iso
from service.common.errors import ServiceError, invalid, not_found
from store import api_keys as key_sql
from store import users as user_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context

log = logging.getLogger("shopkeep.api_keys")

PERMISSIONS = ("read", "write", "read_write")
MAX_DESCRIPTION = 200  # WooCommerce's column is varchar(200)


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    user_id: int
    user_email: str
    description: str
    permissions: str
    truncated_key: str
    last_access: str | None
    created_at: str

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "user_email": self.user_email,
            "description": self.description,
            "permissions": self.permissions,
            "truncated_key": self.truncated_key,
            "last_access": self.last_access,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class NewApiKey:
    """The only moment the key and the secret exist in the clear."""

    info: ApiKeyInfo
    consumer_key: str
    consumer_secret: str

    def public(self) -> dict[str, Any]:
        return {
            **self.info.public(),
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
        }


def _info(row: Any, ctx: Context) -> ApiKeyInfo:
    last = ctx.api_key_access.adjust(row["id"], row["last_access"])
    return ApiKeyInfo(
        id=row["id"],
        user_id=row["user_id"],
        user_email=row["user_email"],
        description=row["description"],
        permissions=row["permissions"],
        truncated_key=row["truncated_key"],
        last_access=last,
        created_at=row["created_at"],
    )


def _check_owner(actor: Actor, user_id: int) -> None:
    if not (actor.is_admin or actor.id == user_id):
        raise ServiceError("permission_denied", "You may manage only your own API keys.", 403)


def check_description(description: object) -> str:
    text = description.strip() if isinstance(description, str) else ""
    if not text or len(text) > MAX_DESCRIPTION:
        raise invalid({"description": f"Use 1 to {MAX_DESCRIPTION} characters."})
    return text


def check_permissions(permissions: object) -> str:
    if permissions not in PERMISSIONS:
        raise invalid({"permissions": f"Choose one of: {', '.join(PERMISSIONS)}."})
    return str(permissions)


async def create(
    ctx: Context, actor: Actor, user_id: int, description: object, permissions: object
) -> NewApiKey:
    """``description`` and ``permissions`` are checked here, whatever the caller sent."""
    _check_owner(actor, user_id)
    text = check_description(description)
    permission = check_permissions(permissions)
    consumer_key = "ck_" + secrets.token_hex(20)
    consumer_secret = "cs_" + secrets.token_hex(20)
    key_hash = wc_api_hash(consumer_key)
    box = await asyncio.to_thread(ctx.api_key_box.seal, consumer_secret, key_hash)
    async with ctx.store.transaction() as tx:
        owner = await user_sql.by_id(tx, user_id)
        if owner is None:
            raise not_found("user_not_found", "No such user.")
        if not owner["is_active"]:
            raise invalid({"user": "The user is inactive; reactivate them first."})
        key_id = await key_sql.insert(
            tx,
            user_id=user_id,
            description=text,
            permissions=permission,
            consumer_key=key_hash,
            secret_box=box,
            truncated_key=consumer_key[-7:],
            created_at=iso(ctx.clock.now()) or "",
        )
        row = await key_sql.by_id(tx, key_id)
        await audit.record(
            ctx,
            tx,
            "api_key.create",
            "api_key",
            key_id,
            actor=actor,
            summary={
                "user_id": user_id,
                "description": text,
                "permissions": permission,
                "truncated_key": consumer_key[-7:],
            },
        )
    log.info("API key %d created for user %d (%s)", key_id, user_id, permission)
    return NewApiKey(_info(row, ctx), consumer_key, consumer_secret)


async def list_for_user(ctx: Context, actor: Actor, user_id: int) -> list[ApiKeyInfo]:
    _check_owner(actor, user_id)
    return [_info(row, ctx) for row in await key_sql.for_user(ctx.store, user_id)]


async def revoke(ctx: Context, actor: Actor, key_id: int) -> ApiKeyInfo:
    """Delete a key for good (WooCommerce revokes by deleting the row). Another user's
    key is a 404 to a non-administrator, as if it did not exist."""
    async with ctx.store.transaction() as tx:
        row = await key_sql.by_id(tx, key_id)
        if row is None or not (actor.is_admin or actor.id == row["user_id"]):
            raise not_found("api_key_not_found", "No such API key.")
        await key_sql.delete(tx, key_id)
        await audit.record(
            ctx,
            tx,
            "api_key.revoke",
            "api_key",
            key_id,
            actor=actor,
            summary={"user_id": row["user_id"], "description": row["description"]},
        )
    ctx.api_key_nonces.forget(key_id)
    log.info("API key %d of user %d revoked", key_id, row["user_id"])
    return _info(row, ctx)


class AccessTracker:
    """``last_access`` without a write per request: requests note the time in memory; a
    flush stores the latest per key at most ``interval`` seconds after the first unstored
    use, and once more at shutdown (a closer). Reads add what is not stored yet."""

    def __init__(self, ctx: Context, interval: float = 5.0) -> None:
        self._ctx = ctx
        self._interval = interval
        self._pending: dict[int, str] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()
        self.closed = False

    def record(self, key_id: int, when: str) -> None:
        self._pending[key_id] = max(self._pending.get(key_id, ""), when)
        if self._timer is None and not self.closed:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(
                self._interval, lambda: loop.create_task(self._scheduled())
            )

    def adjust(self, key_id: int, stored: str | None) -> str | None:
        pending = self._pending.get(key_id)
        return max(stored or "", pending) if pending else stored

    async def _scheduled(self) -> None:
        self._timer = None
        try:
            await self.flush()
        except Exception:
            log.exception("could not store API key last_access; will retry")

    async def flush(self) -> None:
        async with self._lock:
            if not self._pending:
                return
            batch = dict(self._pending)
            async with self._ctx.store.transaction() as tx:
                await key_sql.touch(tx, [(when, key_id) for key_id, when in batch.items()])
            for key_id, when in batch.items():
                if self._pending.get(key_id) == when:
                    del self._pending[key_id]

    async def close(self) -> None:
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._ctx.store.closed:
            await self.flush()
