"""Reading a request body once, at the edge, for both surfaces.

JSON is decoded strictly: UTF-8 only, no NaN or Infinity, at most ``MAX_DEPTH`` levels
of nesting, and no lone UTF-16 surrogates (``"\\ud800"`` decodes in Python but SQLite
cannot bind it). No text anywhere in a request (body, form, query, path) may hold U+0000:
PostgreSQL cannot store it, so both backends refuse it here, naming the field
(:class:`NulInText`). The body must arrive within ``Settings.body_read_timeout_s``. Each
surface renders a :class:`BodyError` in its own shape.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from aiohttp import web
from multidict import MultiDictProxy

from service.common.errors import ServiceError
from service.common.validation import is_text
from service.http.keys import CTX

MAX_DEPTH = 64
NUL = "\x00"


class BodyError(Exception):
    """A body that cannot be read as its content type says. ``json_error_code`` is the
    ``json_last_error()`` PHP would report, which WordPress puts in its error."""

    def __init__(self, message: str, json_error_code: int = 4) -> None:
        super().__init__(message)
        self.message = message
        self.json_error_code = json_error_code


class NulInText(Exception):
    """Text holding U+0000 (NUL) in the request's ``field`` (its top-level name). Not a
    BodyError: the error middleware (or the WordPress dispatch) renders it as a bad
    value of that field, whichever reader found it."""

    def __init__(self, field: str) -> None:
        field = field.replace(NUL, "\ufffd")  # a name holding one is shown, not echoed
        self.message = f"{field} must not contain a NUL character (U+0000)."
        super().__init__(self.message)
        self.field = field


def refuse_nul(values: Iterable[tuple[str, object]]) -> None:
    """A NulInText for the first name or text value holding U+0000."""
    for name, value in values:
        if NUL in name or (isinstance(value, str) and NUL in value):
            raise NulInText(name)


def refuse_nul_in_url(request: web.Request) -> None:
    """The decoded path and query hold no U+0000 (it only arrives percent-encoded, so
    the raw URL is searched first and nothing else is paid on a clean request)."""
    if "%00" not in request.raw_path:
        return
    refuse_nul(request.query.items())
    if NUL in request.path:
        raise NulInText("path")


def timed_out() -> ServiceError:
    return ServiceError("request_timeout", "The request body did not arrive in time.", 408)


T = TypeVar("T")


async def _within_deadline(request: web.Request, reading: Awaitable[T]) -> T:
    try:
        async with asyncio.timeout(request.app[CTX].settings.body_read_timeout_s):
            return await reading
    except TimeoutError:
        raise timed_out() from None


async def read_bytes(request: web.Request) -> bytes:
    return await _within_deadline(request, request.read())


async def read_form(request: web.Request) -> MultiDictProxy[Any]:
    """A urlencoded or multipart form; a malformed one is a BodyError."""
    try:
        form = await _within_deadline(request, request.post())
    except (ValueError, LookupError, AssertionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BodyError(f"Malformed form body: {exc}") from None
    if not all(is_text(key) and (not isinstance(v, str) or is_text(v)) for key, v in form.items()):
        raise BodyError("The form body is not valid UTF-8.", 5)
    refuse_nul(form.items())
    return form


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_decoded(value: Any) -> None:
    """Depth, lone surrogates and NULs, measured without recursion. Each item carries
    the top-level field it is in ("" for the body itself), which a NUL's error names.
    A body that is not valid JSON at all is refused as such before a NUL in it."""
    nul_in: str | None = None
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, level, field = stack.pop()
        if isinstance(item, str):
            if not is_text(item):
                raise BodyError("Single unpaired UTF-16 surrogate in unicode escape", 10)
            if nul_in is None and NUL in item:
                nul_in = field or "body"
        elif isinstance(item, dict | list):
            if level >= MAX_DEPTH:
                raise BodyError(f"Maximum stack depth exceeded (more than {MAX_DEPTH} levels)", 1)
            if isinstance(item, dict):
                for key, v in item.items():
                    top = field or (key if isinstance(key, str) else "")
                    stack.append((key, level + 1, top))
                    stack.append((v, level + 1, top))
            else:
                stack.extend((v, level + 1, field) for v in item)
    if nul_in is not None:
        raise NulInText(nul_in)


def decode_json(raw: bytes) -> Any:
    """The decoded body (None when it is empty), or a BodyError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("Malformed UTF-8 characters, possibly incorrectly encoded", 5) from None
    if not text.strip():
        return None
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise BodyError(f"Maximum stack depth exceeded (more than {MAX_DEPTH} levels)", 1) from None
    except ValueError as exc:
        raise BodyError(f"Syntax error: {exc}") from None
    _check_decoded(value)
    return value
