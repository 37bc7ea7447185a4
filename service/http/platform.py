"""Helpers for the platform (DRF-style) surface."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from service.accounts.permissions import Permission
from service.common.errors import ServiceError
from service.http.body import BodyError, decode_json, read_bytes

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
    try:
        body = decode_json(await read_bytes(request))
    except BodyError as err:
        raise ServiceError("parse_error", f"JSON parse error - {err.message}", 400) from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ServiceError("parse_error", "JSON parse error - expected an object", 400)
    return body


_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # SQLite's integers


def parse_int(raw: str) -> int | None:
    """ASCII digits naming an integer SQLite can bind, or None."""
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if INT_MIN <= value <= INT_MAX else None


def query_int(request: web.Request, name: str) -> int | None:
    """An optional integer query parameter, or a 400 naming it."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    value = parse_int(raw)
    if value is None:
        raise ServiceError(
            "invalid",
            f"Invalid value for {name}.",
            400,
            fields={name: ["A valid integer is required."]},
        )
    return value


def page_params(request: web.Request, default_size: int = 10) -> tuple[int, int]:
    """``page`` (>= 1, small enough that its offset is an integer) and ``page_size``
    (1-100), or a 400 naming the field."""
    errors: dict[str, list[str]] = {}
    values = {}
    max_page = INT_MAX // 100
    for name, default, low, high in (("page", 1, 1, max_page), ("page_size", default_size, 1, 100)):
        raw = request.query.get(name)
        if raw is None:
            values[name] = default
            continue
        value = parse_int(raw)
        if value is None:
            errors[name] = ["A valid integer is required."]
            continue
        if not low <= value <= high:
            errors[name] = [f"Ensure this value is between {low} and {high}."]
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
