"""A property-based fuzz of every route and method on both surfaces, generated from the
registry's own argument schemas: no 5xx ever, every error in its surface's shape, and the
exact answer where the input decides it (a lone surrogate in JSON, an integer past
SQLite's range). ``pytest -s`` prints the counts.

Requests are drawn with hypothesis from the registry's own argument schemas, then
sent through one app instance. Drawing is separated from sending (the app runs on
pytest's event loop, hypothesis's ``@given`` cannot await), and derandomized, so a
run sends the same requests every time.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from yarl import URL

from service.demo import seed as demo
from service.http.registry import Endpoint, Route, ordered_methods

INT64 = 2**63 - 1
MAX_DEPTH = 64
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")

HOSTILE_TEXT = [
    "\ud800", "a\udfffb", "[/]", "[bold red]x[/]", "[link=x]y", "\x1b]52;c;SGk=\x07", "\x1b[2J",
    "\x00", "\r\nX-Forged: 1", "\u202eevil", "x" * 10_000, "🎉", "<script>alert(1)</script>",
    "' OR 1=1 --", "%00", "../../etc/passwd", "١٢", "1e999", "NaN", "-0", " 7 ",
]  # fmt: skip
HUGE_INTS = [2**63, -(2**63) - 1, 10**20, 10**40, -(10**30), INT64, -INT64]
WRONG_TYPES: list[Any] = [None, True, False, 0, -1, 1.5, 1e20, [], [1], {}, {"a": [1]}, ""]


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HUGE_INTS),
    st.sampled_from(WRONG_TYPES),
    st.sampled_from([float("inf"), float("nan"), _nested(20), _nested(MAX_DEPTH + 10)]),
    st.text(st.characters(categories=["Cs", "Cc", "Zl", "Mn"]), min_size=1, max_size=4),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=6,
    ),
)


def _types(spec: dict[str, Any]) -> list[str]:
    types = spec.get("type", "string")
    return [t for t in ([types] if isinstance(types, str) else types) if t != "null"]


def valid_value(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value the schema accepts (most of the time: patterns and formats are loose)."""
    if "enum" in spec:
        return st.sampled_from(spec["enum"])
    options = []
    for type_ in _types(spec) or ["string"]:
        if type_ in ("integer", "number"):
            low = spec.get("minimum", -3)
            high = spec.get("maximum", max(low, 0) + 50)
            options.append(st.integers(min_value=low, max_value=max(low, high)))
        elif type_ == "boolean":
            options.append(st.booleans())
        elif type_ == "array":
            items = spec.get("items")
            options.append(st.lists(valid_value(items) if items else st.integers(1, 9), max_size=3))
        elif type_ == "object":
            props = spec.get("properties") or {}
            options.append(
                st.fixed_dictionaries({}, optional={k: valid_value(v) for k, v in props.items()})
                if props
                else st.dictionaries(
                    st.sampled_from(["id", "name", "country", "key"]),
                    st.text(max_size=8),
                    max_size=3,
                )
            )
        elif spec.get("format") == "email":
            options.append(st.emails())
        elif spec.get("format") == "date-time":
            options.append(st.datetimes().map(lambda d: d.isoformat()))
        else:
            high = min(spec.get("maxLength", 20), 20)
            options.append(st.text(min_size=min(spec.get("minLength", 0), high), max_size=high))
    return st.one_of(options)


def _tainted(value: Any) -> Any:
    """A valid value with a lone surrogate slipped into its text, if it has any."""
    if isinstance(value, str):
        return value + "\udc80"
    if isinstance(value, list):
        return [_tainted(v) for v in value]
    if isinstance(value, dict):
        return {k: _tainted(v) for k, v in value.items()}
    return value


def value_for(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    valid = valid_value(spec)
    return st.one_of(valid, valid.map(_tainted), HOSTILE)


# -- what the server must say to some hostile requests --------------------------------
def has_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def has_nonfinite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend(
                (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def _out_of_range_int(value: Any, accept_float: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > INT64
    if accept_float and isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return abs(int(value)) > INT64
    return (
        isinstance(value, str)
        and bool(re.fullmatch(r"\s*-?\d+\s*", value))
        and abs(int(value)) > INT64
    )


def out_of_range(spec: dict[str, Any], value: Any) -> bool:
    """True when the schema allows only integers or numbers and ``value`` is past SQLite's."""
    types = set(_types(spec))
    if types and types <= {"integer", "number"}:
        return _out_of_range_int(value, accept_float="integer" in types)
    if types == {"array"} and spec.get("items"):
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list):
            return any(
                out_of_range(spec["items"], v.strip() if isinstance(v, str) else v) for v in items
            )
    return False


# -- requests -------------------------------------------------------------------------
@dataclass
class FuzzRequest:
    surface: str
    method: str
    url: str  # already percent-encoded
    auth: str  # "admin", "integration" or "anonymous"
    body: bytes | None = None
    content_type: str | None = None
    expect: tuple[int, str] | None = None  # exact (status, code) when the input decides it
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        body = (self.body or b"")[:300]
        return f"{self.auth} {self.method} {self.url[:300]} {self.content_type} {body!r}"


def _query_text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value if not isinstance(v, dict | list))
    if isinstance(value, dict):
        return None
    return str(value)


def encode_query(pairs: dict[str, Any]) -> str:
    """``k=v&...`` with lone surrogates sent as the (invalid) UTF-8 bytes they stand for."""
    parts = []
    for key, value in pairs.items():
        text = _query_text(value)
        if text is not None:
            text = text[:1000]  # aiohttp refuses request lines past 8 KiB before any handler
            raw = text.encode("utf-8", "surrogatepass")
            parts.append(f"{quote(key)}={quote(raw, safe='')}")
    return "&".join(parts)


def path_strategy(route: Route) -> st.SearchStrategy[tuple[str, bool]]:
    """The route's path with its groups filled, and whether every id in it is in range."""
    pattern = route.path_template or route.pattern
    groups = _GROUP.findall(route.pattern)
    if not groups:
        return st.just((pattern, True))
    fills = []
    for _name, regex in groups:
        if regex in (r"[\d]+", r"\d+"):
            fills.append(
                st.one_of(
                    st.integers(1, 40).map(str), st.sampled_from(["0", "99999999999999999999"])
                )
            )
        else:
            fills.append(
                st.one_of(
                    # ASCII: WordPress's PCRE (no /u) reads \w as [A-Za-z0-9_], and a
                    # percent-encoded byte never matches it.
                    st.from_regex(re.compile(f"(?:{regex})", re.ASCII), fullmatch=True).filter(
                        lambda s: s not in (".", "..")
                    ),
                    st.sampled_from(["1", "shop", "[/]", "%E9", "x" * 300]),
                )
            )

    def build(values: list[str]) -> tuple[str, bool]:
        path, pieces = route.pattern, iter(values)
        path = _GROUP.sub(
            lambda _m: quote(next(pieces).encode("utf-8", "surrogatepass"), safe=""), path
        )
        in_range = all(not v.isdigit() or int(v) <= INT64 for v in values)
        return path, in_range

    return st.tuples(*fills).map(lambda t: build(list(t)))


def wp_requests(route: Route, endpoint: Endpoint, method: str) -> st.SearchStrategy[FuzzRequest]:
    url_names = set(_GROUP_NAMES(route.pattern))
    args = {k: v for k, v in endpoint.args.items() if k not in url_names}
    required = {k: value_for(v) for k, v in args.items() if v.get("required")}
    optional = {k: value_for(v) for k, v in args.items() if not v.get("required")}
    optional["zz_undeclared"] = HOSTILE

    @st.composite
    def draw(draw_) -> FuzzRequest:
        path, ids_in_range = draw_(path_strategy(route))
        values = draw_(st.fixed_dictionaries(required, optional=optional))
        auth = draw_(st.sampled_from(["admin", "admin", "admin", "anonymous"]))
        via_rest_route = draw_(st.booleans())
        encoding = (
            draw_(st.sampled_from(["json", "json", "json", "form"]))
            if method in BODY_METHODS
            else "query"
        )
        query = values if encoding == "query" else {}
        if via_rest_route:
            url = "/?" + encode_query({"rest_route": "/" + path.lstrip("/")} | query)
            url = url.replace("%2F", "/")
        else:
            url = "/wp-json" + path + ("?" + encode_query(query) if query else "")
        request = FuzzRequest("wp", method, url, auth)
        if encoding == "json":
            request.body = json.dumps(values).encode()
            request.content_type = "application/json"
        elif encoding == "form":
            request.body = encode_query(values).encode()
            request.content_type = "application/x-www-form-urlencoded"
        request.expect = _wp_expectation(request, encoding, values, args, ids_in_range)
        return request

    return draw()


def _GROUP_NAMES(pattern: str) -> list[str]:
    return [name for name, _ in _GROUP.findall(pattern)]


def _wp_expectation(
    request: FuzzRequest, encoding: str, values: dict[str, Any], args: dict[str, Any], ids_ok: bool
) -> tuple[int, str] | None:
    if request.auth != "admin" or not ids_ok:
        return None
    if encoding == "json" and (
        has_surrogate(values) or has_nonfinite(values) or depth(values) > MAX_DEPTH
    ):
        return 400, "rest_invalid_json"
    sent = values
    if encoding != "json":  # what survives the trip through a query string or form
        sent = {k: _query_text(v) for k, v in values.items() if _query_text(v) is not None}
    if any(name in sent and out_of_range(spec, sent[name]) for name, spec in args.items()):
        return 400, "rest_invalid_param"
    return None


PLATFORM_QUERY = {
    "page": st.one_of(st.integers(1, 3), HOSTILE),
    "page_size": st.one_of(st.integers(1, 100), HOSTILE),
    "user_id": HOSTILE,
    "woo_product_id": HOSTILE,
    "is_active": st.one_of(st.sampled_from(["true", "false"]), HOSTILE),
    "include_revoked": HOSTILE,
    "search": HOSTILE,
    "integration_type": HOSTILE,
    "event_type": HOSTILE,
    "status": HOSTILE,
    "token_id": HOSTILE,
    "min_price": HOSTILE,
    "max_price": HOSTILE,
    "in_stock": HOSTILE,
    "ordering": HOSTILE,
    "category": HOSTILE,
}
PLATFORM_BODY = {
    "email": st.one_of(st.emails(), HOSTILE),
    "password": HOSTILE,
    "refresh": HOSTILE,
    "name": st.one_of(st.text(min_size=1, max_size=20), HOSTILE),
    "integration_type": st.one_of(st.sampled_from(["woocommerce", "custom"]), HOSTILE),
    "expires_at": HOSTILE,
    "allowed_ips": HOSTILE,
    "user_id": HOSTILE,
    "is_active": HOSTILE,
    "event_id": HOSTILE,
    "event_type": st.one_of(st.sampled_from(["product.created", "product.updated"]), HOSTILE),
    "product": HOSTILE,
    "events": st.lists(HOSTILE, max_size=3),
    "timestamp": HOSTILE,
}


def platform_requests(route: Route, method: str) -> st.SearchStrategy[FuzzRequest]:
    token_route = route.endpoints[0].permission.label == "integration_token"

    @st.composite
    def draw(draw_) -> FuzzRequest:
        path, _ = draw_(path_strategy(route))
        query = draw_(st.fixed_dictionaries({}, optional=PLATFORM_QUERY))
        auth = draw_(
            st.sampled_from(["integration" if token_route else "admin"] * 3 + ["anonymous"])
        )
        url = path + ("?" + encode_query(query) if query else "")
        request = FuzzRequest("platform", method, url, auth)
        if method in BODY_METHODS:
            body = draw_(st.one_of(st.fixed_dictionaries({}, optional=PLATFORM_BODY), HOSTILE))
            request.body = json.dumps(body).encode()
            request.content_type = "application/json"
        return request

    return draw()


def endpoints(registry) -> list[tuple[Route, Endpoint, str]]:
    """Every (route, endpoint, method) the server answers, both surfaces."""
    found = []
    for route in registry.all_routes():
        for endpoint in route.endpoints:
            if endpoint.handler is None:
                continue
            for method in ordered_methods(endpoint.methods):
                found.append((route, endpoint, method))
    return found


def draw_examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` deterministic draws from ``strategy``."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


# -- the test -------------------------------------------------------------------------
EXAMPLES_PER_ENDPOINT = 20
WP_ERROR_KEYS = {"code", "message", "data"}
PLATFORM_ERROR_KEYS = {"detail", "code", "errors", "error"}
# WooCommerce's own answer to DELETE without force=true on records that have no trash.
DELIBERATE = {(501, "woocommerce_rest_trash_not_supported")}


def check_error_shape(request: FuzzRequest, status: int, body: Any) -> str:
    """The error's code, after checking the body has the surface's shape."""
    assert isinstance(body, dict), (request.describe(), body)
    if request.surface == "wp":
        assert set(body) == WP_ERROR_KEYS, (request.describe(), body)
        assert isinstance(body["data"], dict) and body["data"]["status"] == status, body
        assert isinstance(body["message"], str) and body["message"], body
    else:
        assert {"detail", "code"} <= set(body) <= PLATFORM_ERROR_KEYS, (request.describe(), body)
        assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["code"], str) and body["code"], body
    return body["code"]


@pytest.fixture
async def integration_token(client, manager) -> str:
    resp = await client.post(
        "/api/v1/integrations/tokens/generate/",
        json={"name": "fuzz", "integration_type": "woocommerce"},
        headers=manager.auth,
    )
    assert resp.status == 201, await resp.text()
    return (await resp.json())["token"]


async def test_every_route_answers_hostile_input_in_its_own_shape(
    client, ctx, admin, integration_token
):
    await demo.seed(ctx)
    plan: list[FuzzRequest] = []
    for route, endpoint, method in endpoints(ctx.registry):
        strategy = (
            wp_requests(route, endpoint, method)
            if route.surface == "wp"
            else platform_requests(route, method)
        )
        plan.extend(draw_examples(strategy, EXAMPLES_PER_ENDPOINT))
    credentials = {
        "admin": admin.auth,
        "integration": {"Authorization": f"Bearer {integration_token}"},
        "anonymous": {},
    }
    statuses: Counter[int] = Counter()
    exact = 0
    for request in plan:
        headers = {**credentials[request.auth], **request.headers}
        if request.content_type:
            headers["Content-Type"] = request.content_type
        resp = await client.request(
            request.method, URL(request.url, encoded=True), data=request.body, headers=headers
        )
        statuses[resp.status] += 1
        text = await resp.text()
        ok = resp.status // 100 in (2, 4) or (resp.status, json.loads(text)["code"]) in DELIBERATE
        assert ok, (resp.status, request.describe(), text[:500])
        if resp.status >= 400:
            code = check_error_shape(request, resp.status, json.loads(text))
            # The store's last line of defence must never be what answers: the edge does.
            assert "cannot be stored" not in text, (request.describe(), text[:300])
            if request.expect:
                exact += 1
                assert (resp.status, code) == request.expect, (request.describe(), text[:500])
        else:
            assert request.expect is None, (request.describe(), resp.status, text[:500])
    print(
        f"\nschema fuzz: {len(plan)} requests to {len(endpoints(ctx.registry))} route methods, "
        f"{exact} with an exact expected answer; statuses {dict(sorted(statuses.items()))}"
    )
