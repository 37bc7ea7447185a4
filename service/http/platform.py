"""Helpers for the platform (DRF-style) surface."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from service.accounts.permissions import Permission
from service.common.errors import ServiceError

API_V1 = "/api/v1"


@dataclass(frozen=True)
class PlatformRoute:
    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    owner: str
    permission: Permission
    description: str = ""
    prefixes: tuple[str, ...] = (API_V1,)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 in the platform's shape."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError("parse_error", f"JSON parse error - {exc}", 400) from None
    if not isinstance(body, dict):
        raise ServiceError("parse_error", "JSON parse error - expected an object", 400)
    return body


def page_params(request: web.Request, default_size: int = 10) -> tuple[int, int]:
    """``page`` (>= 1) and ``page_size`` (1-100), or a 400 naming the field."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, default, low, high in (("page", 1, 1, None), ("page_size", default_size, 1, 100)):
        raw = request.query.get(name)
        if raw is None:
            values[name] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            errors[name] = ["A valid integer is required."]
            continue
        if value < low or (high is not None and value > high):
            errors[name] = [f"Ensure this value is between {low} and {high or 'any'}."]
            continue
        values[name] = value
    if errors:
        raise ServiceError("invalid", "Invalid pagination parameters.", 400, fields=errors)
    return values["page"], values["page_size"]


def paginated(
    request: web.Request, results: list[Any], count: int, page: int, size: int
) -> dict[str, Any]:
    if page > 1 and (page - 1) * size >= count:
        raise ServiceError("not_found", "Invalid page.", 404)

    def link(number: int) -> str:
        return str(request.url.update_query(page=number))

    return {
        "count": count,
        "next": link(page + 1) if page * size < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": results,
    }


def query_bool(request: web.Request, name: str, default: bool | None = None) -> bool | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ServiceError(
        "invalid", f"Invalid value for {name}.", 400, fields={name: ["Must be true or false."]}
    )
