"""JSON responses and the two error shapes."""

from __future__ import annotations

import json
from typing import Any

import orjson
from aiohttp import web

from service.common.errors import ServiceError, invalid
from service.common.validation import invalid_params

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
# orjson writes what _encoder writes (UTF-8, keys in order, compact; dates and dataclasses
# through ``default=str`` too), several times faster. What it refuses (an integer past
# 64 bits, a lone surrogate, nesting past 255, a key that is not a str, int, float, bool
# or None) goes to _encoder, so every answer is what it was before.
# Known differences, all valid JSON: floats in orjson's shortest form (1e16 for 1e+16,
# 0.00001 for 1e-05), NaN/Infinity as null (the json module wrote NaN, which is not
# JSON), a plain Enum member as its value (no answer holds one).
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def dumps(data: Any) -> str:
    try:
        return orjson.dumps(data, default=str, option=_ORJSON_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError
        return _encoder.encode(data)


def dumps_bytes(data: Any) -> bytes:
    """``dumps`` as the UTF-8 bytes an answer carries (text that is not valid Unicode
    raises UnicodeEncodeError, as encoding the answer's text did)."""
    try:
        return orjson.dumps(data, default=str, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return _encoder.encode(data).encode()


JSON_TYPE = "application/json; charset=utf-8"


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # The encoded bytes and a ready Content-Type: aiohttp's text= path would decode,
    # re-encode and rebuild the header on every answer.
    headers = {**headers, "Content-Type": JSON_TYPE} if headers else {"Content-Type": JSON_TYPE}
    return web.Response(body=dumps_bytes(data), status=status, headers=headers)


def is_platform(path: str) -> bool:
    return path.startswith("/api/")


def wp_error_body(err: ServiceError) -> dict[str, Any]:
    data: dict[str, Any] = {"status": err.status, **err.data}
    if err.fields and "params" not in data:
        data["params"] = {k: " ".join(v) for k, v in err.fields.items()}
    return {"code": err.code, "message": err.message, "data": data}


def platform_error_body(err: ServiceError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": err.message, "code": err.code}
    if err.fields:
        body["errors"] = err.fields
    elif isinstance(err.data.get("params"), dict):
        body["errors"] = {k: [v] for k, v in err.data["params"].items()}
    return body


def error_response(err: ServiceError, path: str) -> web.Response:
    body = platform_error_body(err) if is_platform(path) else wp_error_body(err)
    response = json_response(body, err.status, dict(err.headers))
    if err.status == 408:  # the rest of a body that stalled is not worth waiting for
        response.force_close()
    return response


def http_status_error(status: int, reason: str) -> ServiceError:
    """aiohttp's own HTTP errors (413, 405 ...) as service errors."""
    codes = {
        413: ("request_too_large", "The request body is too large."),
        404: ("not_found", "Not found."),
        405: ("method_not_allowed", "Method not allowed."),
        408: ("request_timeout", "The request body did not arrive in time."),
    }
    code, message = codes.get(status, ("http_error", reason or "HTTP error"))
    return ServiceError(code, message, status)


def unstorable_input(path: str) -> ServiceError:
    """Input the store cannot hold (text with lone surrogates, an integer past 64 bits)."""
    return ServiceError(
        "invalid" if is_platform(path) else "rest_invalid_param",
        "The request holds a value that cannot be stored: text that is not valid Unicode "
        "or an integer out of range.",
        400,
    )


def nul_refused(field: str, message: str, path: str) -> ServiceError:
    """Text with U+0000, which PostgreSQL cannot store, refused on both backends as a
    bad value of the field that holds it: WordPress's ``rest_invalid_param`` naming it
    (PHP's json_decode accepts ``\\u0000``, so the body is valid JSON and the refusal is
    of a value), the platform's ``invalid`` with the field's error."""
    if is_platform(path):
        return invalid({field: message}, "The request holds text with a NUL character.")
    return invalid_params({field: message})
