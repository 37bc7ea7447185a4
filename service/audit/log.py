"""Writing and reading audit entries."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from service.audit.origin import ANONYMOUS, Actor, Face, Origin, Who, current
from service.common.clock import iso
from store import audit as audit_sql
from store.audit import AuditQuery

if TYPE_CHECKING:
    from service.app.context import Context
    from store.db import Tx

__all__ = [
    "AuditEntry", "AuditQuery", "entry", "latest", "prune", "record", "redact", "search",
]  # fmt: skip

Outcome = Literal["ok", "denied", "failed"]

REDACTED = "[redacted]"
# Keys whose values are never kept, whatever they hold.
_SECRET_KEY = re.compile(
    r"password|passwd|secret|token|api_?key|hash|digest|authorization|cookie|signature|nonce|"
    r"private|credential|consumer_key|license_key|^key$",
    re.IGNORECASE,
)
# ...except these, which name or count secrets without holding one.
_HARMLESS_KEY = re.compile(r"(_id|_ids|_preview|_count|_at|_type|_name|_version)$", re.IGNORECASE)
# Values that look like a credential are dropped even under an innocent key.
_SECRET_VALUE = re.compile(
    r"\b(wc_[a-z]{2}_|sk_)(live|test)_\w{16,}|\bshpat_\w{16,}|\b[cC][ks]_[0-9a-f]{40}\b|\beyJ[\w-]{8,}\.[\w-]+\.|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY"
)
_MAX_TEXT = 200
_MAX_ITEMS = 20
_MAX_DEPTH = 3


def redact(value: Any, depth: int = 0) -> Any:
    """A summary value fit for the log: secrets removed, long text and lists cut."""
    if isinstance(value, Mapping):
        if depth >= _MAX_DEPTH:
            return "…"
        kept: dict[str, Any] = {}
        for key, item in list(value.items())[:_MAX_ITEMS]:
            name = str(key)[:_MAX_TEXT]
            if _SECRET_KEY.search(name) and not _HARMLESS_KEY.search(name):
                kept[name] = REDACTED
            else:
                kept[name] = redact(item, depth + 1)
        return kept
    if isinstance(value, list | tuple | set | frozenset):
        if depth >= _MAX_DEPTH:
            return "…"
        return [redact(item, depth + 1) for item in list(value)[:_MAX_ITEMS]]
    if isinstance(value, str):
        if _SECRET_VALUE.search(value):
            return REDACTED
        return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value), depth)


def _who(actor: Actor | None, origin: Origin) -> Who:
    origin_who = origin.who
    if actor is None:
        return origin_who or ANONYMOUS
    who = actor.audit_identity()
    # A token acts for its owner: keep the token that made the call.
    if origin_who is not None and origin_who.kind == "token" and origin_who.user_id == who.user_id:
        return origin_who
    return who


async def record(
    ctx: Context,
    tx: Tx,
    action: str,
    target_type: str,
    target_id: object = None,
    *,
    summary: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    outcome: Outcome = "ok",
) -> None:
    """Write one entry in ``tx``, the transaction of the change itself: the entry
    exists exactly when the change does. ``actor`` is whoever the service acted for;
    the face, address (and token, for a token call) come from the current origin."""
    row = entry(ctx, action, target_type, target_id, summary=summary, actor=actor, outcome=outcome)
    await audit_sql.insert(tx, row)


def entry(
    ctx: Context,
    action: str,
    target_type: str,
    target_id: object = None,
    *,
    summary: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
    outcome: Outcome = "ok",
    origin: Origin | None = None,
) -> dict[str, Any]:
    """The row ``record`` writes, for a writer that inserts it itself (the webhook's
    group commit, on the writer's thread, where ``origin`` is given: the current
    origin is the event loop's)."""
    origin = origin or current()
    who = _who(actor, origin)
    return {
        "at": iso(ctx.clock.now()),
        "actor_kind": who.kind,
        "actor_name": who.name,
        "actor_user_id": who.user_id,
        "actor_email": who.email,
        "actor_token_id": who.token_id,
        "face": origin.face,
        "address": origin.address,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "summary": json.dumps(redact(dict(summary or {})), ensure_ascii=False),
        "outcome": outcome,
    }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    actor: Who
    face: Face
    address: str | None
    action: str
    target_type: str
    target_id: str | None
    summary: dict[str, Any]
    outcome: str

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        return cls(
            id=row["id"],
            at=row["at"],
            actor=Who(
                kind=row["actor_kind"],
                name=row["actor_name"],
                user_id=row["actor_user_id"],
                email=row["actor_email"],
                token_id=row["actor_token_id"],
            ),
            face=row["face"],
            address=row["address"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=row["target_id"],
            summary=json.loads(row["summary"] or "{}"),
            outcome=row["outcome"],
        )

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": {
                "kind": self.actor.kind,
                "name": self.actor.name,
                "user_id": self.actor.user_id,
                "email": self.actor.email,
                "token_id": self.actor.token_id,
            },
            "face": self.face,
            "address": self.address,
            "action": self.action,
            "target": {"type": self.target_type, "id": self.target_id},
            "summary": self.summary,
            "outcome": self.outcome,
        }


async def search(
    ctx: Context, query: AuditQuery, *, limit: int = 50, offset: int = 0
) -> tuple[int, list[AuditEntry]]:
    """Entries matching ``query``, newest first, with the total that match."""
    total = await audit_sql.count(ctx.store, query)
    rows = await audit_sql.search(ctx.store, query, limit, offset)
    return total, [AuditEntry.from_row(row) for row in rows]


async def latest(ctx: Context) -> int:
    """The newest entry's id (0 when empty): a cheap 'anything new?' for live views."""
    return await audit_sql.newest_id(ctx.store)


async def prune(ctx: Context, keep_days: int) -> int:
    """Retention: drop entries older than ``keep_days``; returns how many."""
    cutoff = iso(ctx.clock.now() - timedelta(days=keep_days))
    async with ctx.store.transaction() as tx:
        return await audit_sql.prune(tx, cutoff)
