"""Reading the sync event log: owners see their own events, administrators everyone's."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.common.errors import ServiceError, invalid
from service.common.paging import Page, check_page
from service.integrations.webhook_payload import EVENT_TYPES
from store import sync_events as event_sql

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context

STATUSES = ("processed", "skipped", "stale", "failed")
RECENT_LIMIT = 20


@dataclass(frozen=True)
class EventFilters:
    user_id: int | None = None  # administrators only (anyone may name themselves)
    event_type: str | None = None
    status: str | None = None
    woo_product_id: int | None = None
    token_id: str | None = None


@dataclass(frozen=True)
class EventInfo:
    id: str
    event_id: str
    event_type: str
    status: str
    action: str | None
    product_id: str | None
    woo_product_id: int
    token_id: str | None
    token_name: str | None
    user_id: int
    user_email: str
    error_message: str | None
    attempts: int
    duplicates: int
    source_ip: str | None
    user_agent: str | None
    processing_time_ms: float | None
    created_at: str
    updated_at: str
    payload: dict[str, Any] | None = None  # only when read one at a time

    @classmethod
    def from_row(cls, row: Any) -> EventInfo:
        keys = row.keys()
        return cls(
            id=row["id"],
            event_id=row["event_id"],
            event_type=row["event_type"],
            status=row["status"],
            action=row["action"],
            product_id=row["product_id"],
            woo_product_id=row["source_product_id"],
            token_id=row["token_id"],
            token_name=row["token_name"],
            user_id=row["user_id"],
            user_email=row["user_email"],
            error_message=row["error_message"],
            attempts=row["attempts"],
            duplicates=row["duplicates"],
            source_ip=row["source_ip"],
            user_agent=row["user_agent"],
            processing_time_ms=row["processing_time_ms"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            payload=json.loads(row["payload"]) if "payload" in keys else None,
        )

    def to_dict(self) -> dict[str, Any]:
        body = {
            "id": self.id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "status": self.status,
            "action": self.action,
            "product_id": self.product_id,
            "woo_product_id": self.woo_product_id,
            "token_id": self.token_id,
            "token_name": self.token_name,
            "user": {"id": self.user_id, "email": self.user_email},
            "error_message": self.error_message,
            "attempts": self.attempts,
            "duplicates": self.duplicates,
            "source_ip": self.source_ip,
            "user_agent": self.user_agent,
            "processing_time_ms": self.processing_time_ms,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if self.payload is not None:
            body["payload"] = self.payload
        return body


def _query(actor: Actor, filters: EventFilters | None) -> event_sql.EventQuery:
    filters = filters or EventFilters()
    errors: dict[str, str] = {}
    if filters.event_type is not None and filters.event_type not in EVENT_TYPES:
        errors["event_type"] = f"Choose one of: {', '.join(EVENT_TYPES)}."
    if filters.status is not None and filters.status not in STATUSES:
        errors["status"] = f"Choose one of: {', '.join(STATUSES)}."
    if filters.token_id is not None and not _is_uuid(filters.token_id):
        errors["token_id"] = "A valid UUID is required."
    if errors:
        raise invalid(errors)
    owner = filters.user_id
    if not actor.is_admin:
        if owner is not None and owner != actor.id:
            raise ServiceError(
                "permission_denied", "Only administrators can see other users' events.", 403
            )
        owner = actor.id
    return event_sql.EventQuery(
        user_id=owner,
        event_type=filters.event_type,
        status=filters.status,
        source_product_id=filters.woo_product_id,
        token_id=filters.token_id.lower() if filters.token_id else None,
    )


def _is_uuid(text: object) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


async def list_events(
    ctx: Context,
    actor: Actor,
    filters: EventFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 10,
) -> Page[EventInfo]:
    """Newest first."""
    limit, offset = check_page(page, page_size)
    query = _query(actor, filters)
    total = await event_sql.count(ctx.store, query)
    rows = await event_sql.search(ctx.store, query, limit, offset)
    return Page([EventInfo.from_row(row) for row in rows], total, page, page_size)


async def recent_events(
    ctx: Context, actor: Actor, *, token_id: str | None = None, limit: int = RECENT_LIMIT
) -> list[EventInfo]:
    """The latest events, for a console panel (optionally of one token)."""
    page = await list_events(
        ctx, actor, EventFilters(token_id=token_id), page=1, page_size=max(1, min(limit, 100))
    )
    return page.items


async def get_event(ctx: Context, actor: Actor, event_pk: str) -> EventInfo:
    row = await event_sql.by_id(ctx.store, event_pk.lower()) if _is_uuid(event_pk) else None
    if row is None or (row["user_id"] != actor.id and not actor.is_admin):
        raise ServiceError("event_not_found", "No event matches the given query.", 404)
    return EventInfo.from_row(row)


async def event_stats(ctx: Context, actor: Actor, filters: EventFilters | None = None) -> dict:
    raw = await event_sql.stats(ctx.store, _query(actor, filters))
    by_status = {status: raw["by_status"].get(status, 0) for status in STATUSES}
    average = raw["average_processing_time_ms"]
    return {
        "total_events": raw["total"],
        "successful": by_status["processed"],
        "failed": by_status["failed"],
        "by_status": by_status,
        "by_event_type": {kind: raw["by_event_type"].get(kind, 0) for kind in EVENT_TYPES},
        "duplicates": raw["duplicates"],
        "average_processing_time_ms": round(average, 3) if average is not None else None,
        "last_event_at": raw["last_event_at"],
    }
