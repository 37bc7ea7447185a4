"""Bytes no well-behaved client sends, written to a real socket of a running server:
bodies that are not UTF-8, nesting thousands deep, broken multipart, credentials that
are not ASCII, a body that never arrives. Each gets its exact 4xx in the surface's shape."""

from __future__ import annotations

import asyncio
import base64
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.app.assembly import create_app
from service.common.config import Settings
from service.integrations import tokens

W = "/wp-json/woonoow/v1"
SEEN: Counter[int] = Counter()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db=str(tmp_path / "test.db"), log_file=str(tmp_path / "test.log"), body_read_timeout_s=0.3
    )


@pytest.fixture(scope="module", autouse=True)
def print_counts():
    """``pytest -s`` shows how many raw requests were sent and what came back."""
    yield
    print(f"\ntransport garbage: {sum(SEEN.values())} raw requests, statuses {dict(SEEN)}")


@pytest.fixture
async def server(aiohttp_server, ctx):
    return await aiohttp_server(create_app(ctx))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    SEEN[status] += 1
    ctype = headers.get("content-type", "")
    return Answer(status, headers, json.loads(body) if "json" in ctype else body)


async def send(server, head: bytes, body: bytes = b"", *, length: int | None = None) -> Answer:
    """One request written as raw bytes; ``length`` overrides Content-Length."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        size = len(body) if length is None else length
        writer.write(
            head + b"\r\nHost: shop\r\nConnection: close\r\n"
            b"Content-Length: " + str(size).encode() + b"\r\n\r\n" + body
        )
        await writer.drain()
        return await _read_answer(reader)
    finally:
        writer.close()


def post(path: str, content_type: bytes = b"application/json", *extra: bytes) -> bytes:
    return b"\r\n".join(
        [b"POST " + path.encode() + b" HTTP/1.1", b"Content-Type: " + content_type, *extra]
    )


def get(path: str, *extra: bytes) -> bytes:
    return b"\r\n".join([b"GET " + path.encode() + b" HTTP/1.1", *extra])


def wp_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer
    assert set(answer.body) == {"code", "message", "data"}, answer.body
    assert answer.body["code"] == code, answer.body
    assert answer.body["data"]["status"] == status
    return answer.body


def platform_error(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, answer
    assert {"detail", "code"} <= set(answer.body) <= {"detail", "code", "errors", "error"}
    assert answer.body["code"] == code, answer.body
    return answer.body


DEEP_ARRAYS = b"[" * 5000
DEEP_OBJECTS = b'{"a":' * 5000
NOT_UTF8 = b'{"license_key": "\xff\xfe", "domain": "x.io"}'


@pytest.mark.parametrize(
    ("body", "json_error_code"),
    [
        (NOT_UTF8, 5),
        (DEEP_ARRAYS, 1),
        (DEEP_OBJECTS, 1),
        (b"[" * 65 + b"]" * 65, 1),
        (b'{"license_key": "\\ud800", "domain": "x.io"}', 10),
        (b'{"license_key": "k", "domain": "x.io", "n": NaN}', 4),
        (b'{"license_key": "k", "domain": "x.io", "n": 1e999}', 4),
        (b"\xef\xbb\xbf{}", 4),
    ],
    ids=["not-utf8", "arrays-5000", "objects-5000", "depth-65", "surrogate", "nan", "inf", "bom"],
)
async def test_unreadable_json_is_rest_invalid_json(server, body, json_error_code):
    for path in (f"{W}/licenses/validate", "/?rest_route=/woonoow/v1/licenses/validate"):
        error = wp_error(await send(server, post(path), body), 400, "rest_invalid_json")
        assert error["data"]["json_error_code"] == json_error_code


@pytest.mark.parametrize(
    "body",
    [NOT_UTF8, DEEP_ARRAYS, DEEP_OBJECTS, b'{"email": "\\udfff@x.io", "password": "p"}'],
    ids=["not-utf8", "arrays-5000", "objects-5000", "surrogate"],
)
async def test_unreadable_json_is_a_platform_parse_error(server, ctx, manager, body):
    issued = await tokens.generate(ctx, manager.user, name="store", integration_type="woocommerce")
    for path, auth in (
        ("/api/v1/auth/login/", b"X: y"),
        (
            "/api/integrations/woocommerce/webhook/",
            f"Authorization: Bearer {issued.token}".encode(),
        ),
        (
            "/api/v1/integrations/tokens/generate/",
            f"Authorization: Bearer {manager.access}".encode(),
        ),
    ):
        answer = await send(server, post(path, b"application/json", auth), body)
        assert platform_error(answer, 400, "parse_error")["detail"].startswith("JSON parse")


async def test_nesting_up_to_the_limit_is_read(server):
    nested = b'{"license_key": "k", "domain": "x.io", "n": ' + b"[" * 63 + b"]" * 63 + b"}"
    answer = await send(server, post(f"{W}/licenses/validate"), nested)
    assert answer.body["code"] != "rest_invalid_json", answer.body


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            b"multipart/form-data; boundary=zzz",
            b'--zzz\r\nContent-Disposition: form-data; name="id"',
        ),
        (b"multipart/form-data; boundary=zzz", b"garbage without a single boundary"),
        (
            b"multipart/form-data",
            b'--zzz\r\nContent-Disposition: form-data; name="id"\r\n\r\n1\r\n--zzz--',
        ),
        (
            b"multipart/form-data; boundary=zzz",
            b'--zzz\r\nContent-Disposition: form-data; name="id"\r\n'
            b"Content-Type: text/plain; charset=no-such-charset\r\n\r\n1\r\n--zzz--\r\n",
        ),
        (b"application/x-www-form-urlencoded; charset=no-such-charset", b"id=1"),
        (b"application/x-www-form-urlencoded", b"id=\xff\xfe"),
        (
            b"multipart/form-data; boundary=zzz",
            b'--zzz\r\nContent-Disposition: form-data; name="id"\r\n\r\n\xff\xfe\r\n--zzz--\r\n',
        ),
    ],
)
async def test_unparseable_forms_are_400(server, content_type, body):
    wp_error(
        await send(server, post(f"{W}/cart/add", content_type), body), 400, "rest_invalid_form"
    )


async def test_a_form_that_parses_reaches_the_handler(server):
    body = b'--zzz\r\nContent-Disposition: form-data; name="id"\r\n\r\n99\r\n--zzz--\r\n'
    answer = await send(server, post(f"{W}/cart/add", b"multipart/form-data; boundary=zzz"), body)
    assert answer.body["code"] == "woocommerce_rest_cart_invalid_product", answer.body


NOT_ASCII_BEARER = b"Authorization: Bearer \xe9"
NOT_ASCII_BASIC = b"Authorization: Basic \xe9\xe9"
NOT_UTF8_BASIC = b"Authorization: Basic " + base64.b64encode(b"\xff\xfe:secret")
UTF8_BEARER = "Authorization: Bearer é".encode()


@pytest.mark.parametrize("path", [f"{W}/shop/products", f"{W}/cart", f"{W}/products", "/wp-json/"])
async def test_credentials_that_are_not_ascii_are_401_on_every_wp_route(server, path):
    for header in (NOT_ASCII_BEARER, UTF8_BEARER):
        wp_error(await send(server, get(path, header)), 401, "token_not_valid")
    for header in (NOT_ASCII_BASIC, NOT_UTF8_BASIC):
        wp_error(await send(server, get(path, header)), 401, "invalid_username")


@pytest.mark.parametrize(
    ("path", "bearer_code"),
    [
        ("/api/v1/auth/me/", "token_not_valid"),
        ("/api/v1/integrations/tokens/", "token_not_valid"),
        ("/api/integrations/woocommerce/health/", "invalid_token"),  # the plugin's token
    ],
)
async def test_credentials_that_are_not_ascii_are_401_on_the_platform(server, path, bearer_code):
    for header in (NOT_ASCII_BEARER, UTF8_BEARER):
        platform_error(await send(server, get(path, header)), 401, bearer_code)
    platform_error(await send(server, get(path, NOT_ASCII_BASIC)), 401, "not_authenticated")


async def test_a_cart_token_that_is_not_ascii_is_the_invalid_token_answer(server):
    for token in (b"\xe9", "é".encode(), b"eyJ\xff.x.y"):
        answer = await send(server, get(f"{W}/cart", b"Cart-Token: " + token))
        error = wp_error(answer, 403, "woocommerce_rest_cart_token_invalid")
        assert error["data"]["reason"] == "invalid"
        assert answer.headers["cart-token"].isascii()


async def test_a_body_that_never_arrives_is_answered_408(server):
    """Headers promise 100 bytes, 10 arrive, then nothing: the server answers 408 after
    ``body_read_timeout_s`` and closes the connection instead of waiting forever."""
    for head, shape in (
        (post(f"{W}/licenses/validate"), "wp"),
        (post(f"{W}/cart/add", b"application/x-www-form-urlencoded"), "wp"),
        (post("/api/v1/auth/login/"), "platform"),
    ):
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(head + b"\r\nHost: shop\r\nContent-Length: 100\r\n\r\n" + b'{"a": "12')
        await writer.drain()
        answer = await _read_answer(reader)
        if shape == "wp":
            wp_error(answer, 408, "request_timeout")
        else:
            platform_error(answer, 408, "request_timeout")
        assert answer.headers["connection"] == "close"
        assert await reader.read() == b""  # the server closed its side
        writer.close()


async def test_a_user_agent_that_is_not_utf8_is_stored_repaired(server, ctx, manager):
    """A User-Agent byte that is not UTF-8 arrives surrogate-escaped; the header reader
    repairs it (U+FFFD), so the webhook is stored instead of refused."""
    issued = await tokens.generate(ctx, manager.user, name="store", integration_type="woocommerce")
    body = json.dumps(
        {
            "event_id": "e1",
            "event_type": "product.created",
            "timestamp": "2025-11-10T10:00:00+00:00",
            "product": {"id": 1, "name": "Mug", "price": 5},
        }
    ).encode()
    head = post(
        "/api/integrations/woocommerce/webhook/",
        b"application/json",
        f"Authorization: Bearer {issued.token}".encode(),
        b"User-Agent: WordPress \xff",
    )
    answer = await send(server, head, body)
    assert answer.status == 200, answer
    assert answer.body["status"] == "processed", answer.body
    stored = await ctx.store.fetchval("SELECT user_agent FROM sync_events WHERE event_id = 'e1'")
    assert stored == "WordPress \ufffd"
