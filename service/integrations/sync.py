"""WooCommerce webhooks: validate, apply in the request's transaction, log the event.

Idempotency is per (owner, event_id) and rests on the event log's UNIQUE constraint:
each event first claims its key with INSERT ... ON CONFLICT DO NOTHING inside the
same write transaction that applies it. A repeat, however concurrent, finds the
claim and answers ``skipped`` with the first outcome. Only a ``failed`` event may be
tried again under the same id. Events arriving together share one transaction
(``service.integrations.sync_batcher``); each caller is answered only after that transaction has
committed, so an acknowledged event is durable. An event that cannot be stored at all
is undone alone (its savepoint) and answered 400 when its own values are the cause,
500 otherwise; the other events of the transaction are not affected.

The event log's readers (``list_events``, ``recent_events``, ``get_event``,
``event_stats``) live in ``service.integrations.sync_log`` and are re-exported here.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.audit import log as audit
from service.audit.origin import Origin, Who
from service.common.errors import ServiceError, invalid
from service.common.logs import loggable
from service.integrations import messages as lang
from service.integrations import product_sync, sync_batcher
from service.integrations.sync_log import (
    STATUSES,
    EventFilters,
    EventInfo,
    event_stats,
    get_event,
    list_events,
    recent_events,
)
from service.integrations.token_auth import TokenAuth, require_type
from service.integrations.webhook_payload import WebhookEvent, parse_event
from store.sync_writer import SyncSql, is_data_error

if TYPE_CHECKING:
    from service.app.context import Context

__all__ = [
    "STATUSES",
    "BatchOutcome",
    "EventFilters",
    "EventInfo",
    "EventOutcome",
    "event_stats",
    "get_event",
    "handle_batch",
    "handle_webhook",
    "list_events",
    "recent_events",
]

log = logging.getLogger("shopkeep.sync")

MAX_BATCH = 100
TOKEN_TYPES = ("woocommerce", "custom")
MAX_USER_AGENT = 500
MAX_ERROR = 500
MAX_AUDITED_PRODUCTS = 20  # an audit entry names this many of a group's products
UNSTORABLE = (
    "The event holds a value that cannot be stored (text that is not valid Unicode, "
    "such as a User-Agent that is not UTF-8, or a number out of range)."
)


@dataclass(frozen=True)
class RequestMeta:
    source_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class EventOutcome:
    status: str  # processed, skipped, stale, failed; "invalid" only inside a batch
    event_id: str | None
    action: str | None = None
    product_id: str | None = None
    duplicate: bool = False
    original_status: str | None = None  # for a duplicate: what the first delivery did
    record_id: str | None = None  # the event log entry
    errors: dict[str, list[str]] = field(default_factory=dict)

    def message_key(self) -> str:
        if self.duplicate:
            return "skipped"
        if self.status == "skipped":
            return "nothing_to_delete"
        return "failed" if self.status == "invalid" else self.status

    def to_dict(self, language: str = lang.DEFAULT) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": self.status,
            "event_id": self.event_id,
            "action": self.action,
            "product_id": self.product_id,
            "duplicate": self.duplicate,
            "message": lang.message(self.message_key(), language),
        }
        if self.duplicate:
            body["original_status"] = self.original_status
        if self.errors:
            body["errors"] = self.errors
        return body


@dataclass(frozen=True)
class BatchOutcome:
    results: list[EventOutcome]

    def to_dict(self, language: str = lang.DEFAULT) -> dict[str, Any]:
        counts = dict.fromkeys((*STATUSES, "invalid"), 0)
        for result in self.results:
            counts[result.status] += 1
        return {
            "count": len(self.results),
            **counts,
            "results": [result.to_dict(language) for result in self.results],
        }


@dataclass(frozen=True)
class _Job:
    auth: TokenAuth
    event: WebhookEvent
    meta: RequestMeta


def new_batcher(ctx: Context) -> sync_batcher.Batcher:
    """The process's group commit for webhook events (built once, by ``Context.open``)."""

    def committing(sql: SyncSql, jobs: list[_Job], outcomes: list[EventOutcome]) -> None:
        _record_group(ctx, sql, jobs, outcomes)

    def opening(sql: SyncSql, jobs: list[_Job]) -> None:
        sql.hold_owners(job.auth.user_id for job in jobs)

    return sync_batcher.Batcher(ctx, _process, _not_stored, committing, opening)


def _record_group(
    ctx: Context, sql: SyncSql, jobs: list[_Job], outcomes: list[EventOutcome]
) -> None:
    """One audit entry per token per group commit, with counts, for the events that
    changed data: the webhook's hot path writes one row per group, not per event. The
    group mixes callers, so each entry names its token and address itself. (On the
    writer's thread, in the group's transaction.)"""
    by_token: dict[str, tuple[_Job, Counter[str], list[int]]] = {}
    for job, outcome in zip(jobs, outcomes, strict=True):
        if outcome.status != "processed":
            continue  # duplicates, stale, failed and invalid events changed nothing
        _, counts, products = by_token.setdefault(job.auth.token_id, (job, Counter(), []))
        counts[outcome.action or "processed"] += 1
        if len(products) < MAX_AUDITED_PRODUCTS:
            products.append(job.event.source_id)
    for token_id, (job, counts, products) in by_token.items():
        auth = job.auth
        who = Who("token", auth.name, auth.user_id, auth.user_email, token_id)
        summary = {"events": sum(counts.values()), **counts, "source_product_ids": products}
        origin = Origin("token", job.meta.source_ip, who)
        sql.audit(
            audit.entry(
                ctx, "product_sync.events", "token", token_id, summary=summary, origin=origin
            )
        )


async def handle_webhook(
    ctx: Context, auth: TokenAuth, body: object, meta: RequestMeta | None = None
) -> EventOutcome:
    """Process one event; returns once its outcome is committed."""
    require_type(auth, *TOKEN_TYPES)
    event = parse_event(body)
    [outcome] = await ctx.sync_batcher.submit([_Job(auth, event, meta or RequestMeta())])
    if outcome.status == "invalid":
        raise ServiceError("invalid", "Invalid webhook payload.", 400, fields=outcome.errors)
    if outcome.status == "failed":
        raise ServiceError(
            "processing_failed",
            "The event could not be processed; it was logged and may be sent again.",
            500,
            data={"event_id": event.event_id},
        )
    return outcome


async def handle_batch(
    ctx: Context, auth: TokenAuth, body: object, meta: RequestMeta | None = None
) -> BatchOutcome:
    """Up to MAX_BATCH events in one transaction. An invalid event is reported
    (``invalid`` with its errors) and changes nothing; the others go ahead."""
    require_type(auth, *TOKEN_TYPES)
    raw_events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(raw_events, list):
        raise invalid({"events": "This field is required and must be a list of events."})
    if not 1 <= len(raw_events) <= MAX_BATCH:
        raise invalid({"events": f"Send between 1 and {MAX_BATCH} events."})
    results: list[EventOutcome | None] = []
    jobs: list[_Job] = []
    for raw in raw_events:
        try:
            jobs.append(_Job(auth, parse_event(raw), meta or RequestMeta()))
            results.append(None)
        except ServiceError as err:
            event_id = raw.get("event_id") if isinstance(raw, dict) else None
            text_id = event_id if isinstance(event_id, str) else None
            results.append(EventOutcome("invalid", text_id, errors=err.fields))
    processed = iter(await ctx.sync_batcher.submit(jobs) if jobs else [])
    return BatchOutcome([result or next(processed) for result in results])


def _not_stored(job: _Job, exc: Exception) -> EventOutcome:
    """An event whose writes raised and were undone: nothing of it is stored."""
    event_id, user_id = job.event.event_id, job.auth.user_id
    if is_data_error(exc):
        log.warning("sync event %s of user %s not stored: %s", loggable(event_id), user_id, exc)
        return EventOutcome("invalid", event_id, errors={"non_field_errors": [UNSTORABLE]})
    log.error("sync event %s of user %s not stored", loggable(event_id), user_id, exc_info=exc)
    return EventOutcome("failed", event_id)


def _process(sql: SyncSql, job: _Job, now: str) -> EventOutcome:
    """Runs on the writer thread, in the job's savepoint inside the group's transaction."""
    started = time.perf_counter()
    auth, event, meta = job.auth, job.event, job.meta
    details = {
        "token_id": auth.token_id,
        "event_type": event.event_type,
        "source_product_id": event.source_id,
        "payload": event.payload_json(),
        "source_ip": meta.source_ip,
        "user_agent": (meta.user_agent or "")[:MAX_USER_AGENT] or None,
        "updated_at": now,
    }
    record_id = str(uuid.uuid4())
    claim = {"id": record_id, "user_id": auth.user_id, "event_id": event.event_id,
             "status": "processed", "created_at": now, **details}  # fmt: skip
    if not sql.claim_event(claim):  # status is replaced below, before the commit
        first = sql.event_by_key(auth.user_id, event.event_id)
        if first["status"] != "failed":
            sql.note_duplicate(first["id"], now)
            return EventOutcome(
                "skipped",
                event.event_id,
                first["action"],
                first["product_id"],
                duplicate=True,
                original_status=first["status"],
                record_id=first["id"],
            )
        record_id = first["id"]
        sql.retry_event(record_id, details)
    try:
        with sql.savepoint():
            applied = product_sync.apply(sql, auth.user_id, auth.token_id, event, now)
    except Exception as exc:
        log.exception("sync event %s (record %s) failed", event.event_type, record_id)
        sql.finish_event(
            record_id,
            status="failed",
            action=None,
            product_id=None,
            error_message=f"{type(exc).__name__}: {exc}"[:MAX_ERROR],
            processing_time_ms=_elapsed_ms(started),
        )
        return EventOutcome("failed", event.event_id, record_id=record_id)
    sql.finish_event(
        record_id,
        status=applied.status,
        action=applied.action,
        product_id=applied.product_id,
        error_message=None,
        processing_time_ms=_elapsed_ms(started),
    )
    return EventOutcome(
        applied.status, event.event_id, applied.action, applied.product_id, record_id=record_id
    )


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
