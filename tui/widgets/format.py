"""Small text helpers shared by screens."""

from __future__ import annotations

from datetime import datetime

from service.common.clock import parse_iso


def ago(moment: str | None, now: datetime) -> str:
    """'never', 'just now', '5 minutes ago', '2 hours ago', '3 days ago'."""
    if not moment:
        return "never"
    then = parse_iso(moment)
    if then is None:
        return "never"
    seconds = int((now - then).total_seconds())
    if seconds < 0:
        return "in the future"
    if seconds < 45:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size) if unit != "day" else seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def short_date(moment: str | None) -> str:
    return moment[:16].replace("T", " ") if moment else "—"
