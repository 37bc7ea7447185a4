"""Reading the audit log: who may, and filters typed by a person (the API's query, the
console's filter boxes, ``run.py audit``) read once into an ``AuditQuery``.

Times: an ISO date (``2026-12-01``) or moment (``2026-12-01T09:30:00Z``; no zone means
UTC), or, where ``relative`` is allowed, an age back from now: ``30m``, ``24h``, ``7d``,
``2w``. ``since`` is inclusive; ``until`` is exclusive, and a bare date as ``until``
means the end of that day (``--until 2026-12-01`` includes the 1st).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, get_args

from service.audit import log
from service.audit.origin import Face
from service.common.clock import iso
from service.common.errors import ServiceError, invalid
from store.audit import AuditQuery

if TYPE_CHECKING:
    from service.app.context import Context

READ_CAPABILITY = "manage_options"  # administrators only
FACES: tuple[str, ...] = get_args(Face)
FILTERS = ("actor", "action", "target_type", "target_id", "face", "since", "until")
MAX_FILTER = 254  # the longest email
_AGE = re.compile(r"([0-9]{1,6})\s*([mhdw])", re.ASCII)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Reader(Protocol):
    def can(self, capability: str) -> bool: ...


def may_read(reader: Reader) -> bool:
    return reader.can(READ_CAPABILITY)


def check_reader(reader: Reader) -> None:
    if not may_read(reader):
        raise ServiceError("permission_denied", "Only administrators can read the audit log.", 403)


async def read(
    ctx: Context, reader: Reader, query: AuditQuery, *, limit: int, offset: int = 0
) -> tuple[int, list[log.AuditEntry]]:
    """Entries matching ``query`` (newest first) and how many match, for an administrator."""
    check_reader(reader)
    return await log.search(ctx, query, limit=limit, offset=offset)


def parse_moment(text: str, now: datetime, *, end: bool = False, relative: bool = True) -> str:
    """``text`` as the ISO moment the store compares with; ValueError when it is none."""
    text = text.strip()
    age = _AGE.fullmatch(text.lower())
    if age is not None:
        if not relative:
            raise ValueError(text)
        return iso(now - timedelta(**{_UNITS[age[2]]: int(age[1])}))
    if len(text) == 10:
        day = date.fromisoformat(text)
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return iso(moment + timedelta(days=1) if end else moment)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment)


def query_from(
    raw: Mapping[str, str | None], now: datetime, *, relative: bool = True
) -> AuditQuery:
    """An ``AuditQuery`` from text filters (absent or blank: no filter), or a 400
    naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for name in FILTERS:
        text = (raw.get(name) or "").strip()
        if not text:
            values[name] = None
        elif len(text) > MAX_FILTER or not text.isprintable():
            errors[name] = f"Use at most {MAX_FILTER} printable characters."
        else:
            values[name] = text
    if values.get("face") is not None and values["face"] not in FACES:
        errors["face"] = f"Choose one of: {', '.join(FACES)}."
    for name in ("since", "until"):
        given = values.get(name)
        if given is None or name in errors:
            continue
        try:
            values[name] = parse_moment(given, now, end=name == "until", relative=relative)
        except (ValueError, OverflowError):
            example = "2026-12-01, 2026-12-01T09:30:00Z" + (", 24h or 7d" if relative else "")
            errors[name] = f"Enter a date or time such as {example}."
    if errors:
        raise invalid(errors, "Invalid audit log filters.")
    return AuditQuery(
        actor=values["actor"],
        action=values["action"],
        target_type=values["target_type"],
        target_id=values["target_id"],
        face=values["face"],
        since=values["since"],
        until=values["until"],
    )


def brief(summary: object, limit: int = 80) -> str:
    """A summary on one line, ``status=completed, note=…``, for tables (the whole JSON is
    in the entry's detail view). Show it through the face's own escaping."""
    if isinstance(summary, dict):
        text = ", ".join(f"{key}={_brief_value(value)}" for key, value in summary.items())
    else:
        text = _brief_value(summary)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief_value(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def split_target(text: str | None) -> tuple[str | None, str | None]:
    """``order:12`` as (``order``, ``12``); ``order`` as (``order``, None)."""
    if not text:
        return None, None
    kind, _, ident = text.partition(":")
    return kind.strip() or None, ident.strip() or None
