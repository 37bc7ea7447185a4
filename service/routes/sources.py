"""Where route lists come from: the live registry, a /wp-json index, a site, a routes document.

* ``/wp-json`` index JSON (a file, or fetched read-only from a running site's
  ``/wp-json/`` URL): the ``routes`` object in key order is the registration order;
  each entry's ``endpoints[].methods`` are the handlers; ``x_class`` (fixtures)
  serves as owner. A namespace index (``{namespace, routes}``) works the same.
* A routes document in the WooNooW standard's format: ``METHOD /path # comment``
  lines in fenced blocks under headings. The owner is the controller named in the
  nearest heading (``ProductsController.php`` gives ``ProductsController``). When
  the document has controller headings, fenced lines under other headings are
  examples ("Good"/"Bad" snippets) and are skipped. Bullet declarations
  ``- **GET** `/woonoow/v1/hooks/{context}``` count too. The namespace is the
  first ``vendor/vN`` token under a ``Namespace`` heading (default ``woonoow/v1``).
  A numbered ``1. SettingsController`` list in a fenced block gives the
  controllers' registration order (others follow in document order, routes
  without a controller last). Single-segment lines ``/products # ProductsController``
  (reserved routes) and bullets ``- `/products` → `ProductsController``` declare
  root owners. Lines for the same path are registrations of one route key, which
  WordPress merges; each line is one endpoint.
* ``{name}`` placeholders: ``typed`` reads ``{id}`` and ``{*_id}`` as
  ``(?P<name>[\\d]+)`` and other names as ``(?P<name>[^/]+)``; ``any`` reads every
  placeholder as ``(?P<name>[^/]+)``.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.routes.model import RouteSpec

DEFAULT_NAMESPACE = "woonoow/v1"
PARAM_POLICIES = ("typed", "any")
MAX_BYTES = 20_000_000

_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_METHOD_LINE = re.compile(rf"^\s*({_METHODS})\s+(/\S*)\s*(?:#\s*(.*))?$")
_BULLET_ROUTE = re.compile(rf"^\s*[-*]\s*\*\*({_METHODS})\*\*:?\s*`(/[^`\s]*)`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_CONTROLLER = re.compile(r"\b([A-Z][A-Za-z0-9_]*Controller)\b")
_ORDER_LINE = re.compile(r"^\s*\d+\.\s*([A-Z][A-Za-z0-9_]*Controller)\b")
_OWNER_LINE = re.compile(r"^\s*(/[A-Za-z0-9_-]+)\s*#\s*([A-Z][A-Za-z0-9_]*Controller)\b")
_OWNER_BULLET = re.compile(r"^\s*[-*]\s*`(/[A-Za-z0-9_-]+)`\s*(?:→|->)\s*`([A-Z]\w*Controller)`")
_NAMESPACE_TOKEN = re.compile(r"`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+)`")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_REGEX_META = re.compile(r"([.^$*+?()\[\]|\\])")


class SourceError(Exception):
    """Unusable input; the message is one line saying why."""


@dataclass
class LoadedSource:
    label: str
    kind: str  # "live" | "index" | "url" | "document"
    routes: list[RouteSpec]
    owners: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)


# -- /wp-json indexes ------------------------------------------------------------------


def routes_from_index(data: Any) -> list[RouteSpec]:
    """Routes of a ``/wp-json`` (or namespace) index, in registration order."""
    if not isinstance(data, dict) or not isinstance(data.get("routes"), dict):
        raise SourceError("no 'routes' object: not a /wp-json index")
    default_ns = data.get("namespace") if isinstance(data.get("namespace"), str) else ""
    out: list[RouteSpec] = []
    for position, (route, entry) in enumerate(data["routes"].items()):
        if not route.startswith("/") or not isinstance(entry, dict):
            raise SourceError(f"route {route!r} is not a route entry")
        ns = entry.get("namespace", default_ns)
        eps = entry.get("endpoints")
        if isinstance(eps, list) and eps:
            methods = [ep.get("methods", []) if isinstance(ep, dict) else [] for ep in eps]
        else:
            methods = [entry.get("methods", [])]
        endpoints = []
        for ms in methods:
            if isinstance(ms, str):
                ms = ms.split(",")
            if not isinstance(ms, list) or not all(isinstance(m, str) for m in ms):
                raise SourceError(f"route {route!r} has malformed methods")
            endpoints.append(frozenset(m.strip().upper() for m in ms if m.strip()))
        owner = entry.get("x_class") if isinstance(entry.get("x_class"), str) else None
        out.append(
            RouteSpec(ns if isinstance(ns, str) else "", route, tuple(endpoints), owner, position)
        )
    return out


def _parse_json(raw: bytes | str, where: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{where} is not valid JSON ({exc})") from None


def fetch_index(url: str, timeout: float = 10.0) -> list[RouteSpec]:
    """GET a running site's ``/wp-json/`` index (read-only) and read its routes."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https URLs are supported")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "shopkeep-routecheck"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise SourceError(f"GET {url} answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise SourceError(f"cannot reach {url} ({exc.reason})") from None
    except (TimeoutError, OSError) as exc:
        raise SourceError(f"cannot read {url} ({exc})") from None
    if len(raw) > MAX_BYTES:
        raise SourceError(f"{url}: response larger than {MAX_BYTES} bytes")
    return routes_from_index(_parse_json(raw, url))


# -- routes documents ------------------------------------------------------------------


@dataclass
class RouteDocument:
    namespace: str
    routes: list[RouteSpec]
    owners: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    skipped: int = 0  # example lines under headings without a controller


@dataclass
class _Line:
    number: int
    method: str
    path: str
    comment: str
    controller: str | None
    fenced: bool
    auth: str | None


def placeholder_regex(name: str, params: str) -> str:
    if params == "typed" and (name == "id" or name.endswith("_id")):
        return f"(?P<{name}>[\\d]+)"
    return f"(?P<{name}>[^/]+)"


def path_to_route(path: str, namespace: str, params: str) -> str:
    """``/products/{id}`` -> ``/woonoow/v1/products/(?P<id>[\\d]+)``."""
    if params not in PARAM_POLICIES:
        raise ValueError(f"params must be one of {PARAM_POLICIES}")
    path = path.split("?", 1)[0]
    prefix = "/" + namespace.strip("/")
    if path.lower().startswith(prefix.lower() + "/"):
        path = path[len(prefix) :]
    if "(?P<" in path or "(?<" in path:
        body = path  # already a WordPress regex
    else:
        parts = _PLACEHOLDER.split(path)
        body = "".join(
            placeholder_regex(part, params) if n % 2 else _REGEX_META.sub(r"\\\1", part)
            for n, part in enumerate(parts)
        )
    return prefix + body


def _auth_hint(text: str) -> str | None:
    low = text.lower()
    if "public" in low:
        return "public"
    if "admin" in low:
        return "admin"
    if "auth required" in low or "logged-in" in low:
        return "logged-in"
    return None


def _scan(text: str) -> tuple[list[_Line], list[str], dict[str, str], str | None]:
    lines: list[_Line] = []
    order: list[str] = []
    owners: dict[str, str] = {}
    namespace: str | None = None
    headings: list[tuple[int, str]] = []
    fenced = False
    section_auth: str | None = None
    for number, raw in enumerate(text.splitlines()):
        if raw.strip().startswith("```"):
            fenced, section_auth = not fenced, None
            continue
        controller = next(
            (m.group(1) for _, h in reversed(headings) for m in [_CONTROLLER.search(h)] if m),
            None,
        )
        if not fenced:
            heading = _HEADING.match(raw)
            if heading:
                level = len(heading.group(1))
                headings = [h for h in headings if h[0] < level] + [(level, heading.group(2))]
                continue
            if namespace is None and headings and "namespace" in headings[-1][1].lower():
                token = _NAMESPACE_TOKEN.search(raw)
                namespace = token.group(1) if token else None
            bullet = _BULLET_ROUTE.match(raw)
            if bullet:
                lines.append(
                    _Line(number, bullet.group(1), bullet.group(2), "", controller, False, None)
                )
            owner = _OWNER_BULLET.match(raw)
            if owner:
                owners.setdefault(owner.group(1), owner.group(2))
            continue
        route = _METHOD_LINE.match(raw)
        if route:
            comment = route.group(3) or ""
            auth = _auth_hint(comment) or section_auth
            lines.append(
                _Line(number, route.group(1), route.group(2), comment, controller, True, auth)
            )
        elif raw.lstrip().startswith("#"):
            section_auth = _auth_hint(raw)
        if (m := _ORDER_LINE.match(raw)) and m.group(1) not in order:
            order.append(m.group(1))
        if m := _OWNER_LINE.match(raw):
            owners.setdefault(m.group(1), m.group(2))
    return lines, order, owners, namespace


def parse_document(text: str, params: str = "typed") -> RouteDocument:
    """Routes declared by a routes document, in registration order."""
    if params not in PARAM_POLICIES:
        raise ValueError(f"params must be one of {PARAM_POLICIES}")
    found, order, owners, namespace = _scan(text)
    namespace = namespace or DEFAULT_NAMESPACE
    with_controller = any(line.controller for line in found if line.fenced)
    kept = [line for line in found if not (line.fenced and with_controller and not line.controller)]
    seen_controllers: list[str] = []
    for line in kept:
        if line.controller and line.controller not in seen_controllers:
            seen_controllers.append(line.controller)
    ranking = [c for c in order if c in seen_controllers] + [
        c for c in seen_controllers if c not in order
    ]

    def rank(line: _Line) -> tuple[int, int]:
        group = ranking.index(line.controller) if line.controller else len(ranking)
        return group, line.number

    specs: dict[tuple[str, str | None], dict[str, Any]] = {}
    for line in sorted(kept, key=rank):
        route = path_to_route(line.path, namespace, params)
        entry = specs.setdefault(
            (route, line.controller),
            {"position": len(specs), "endpoints": [], "auth": line.auth},
        )
        entry["endpoints"].append(frozenset({line.method}))
    routes = [
        RouteSpec(namespace, route, tuple(e["endpoints"]), owner, e["position"], "wp", e["auth"])
        for (route, owner), e in specs.items()
    ]
    return RouteDocument(namespace, routes, owners, ranking, len(found) - len(kept))


# -- any source ------------------------------------------------------------------------


def load_source(
    source: str,
    *,
    params: str = "typed",
    live: Callable[[], list[RouteSpec]] | None = None,
) -> LoadedSource:
    """Read one SOURCE: ``live``, an ``http(s)://`` URL, a JSON index file or a document."""
    if source == "live":
        if live is None:
            raise SourceError("no live registry is available here")
        return LoadedSource("live registry", "live", list(live()))
    if source.startswith(("http://", "https://")):
        return LoadedSource(source, "url", fetch_index(source))
    path = Path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{source}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{source}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{source}: not UTF-8 text") from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return LoadedSource(source, "index", routes_from_index(_parse_json(text, source)))
    doc = parse_document(text, params)
    if not doc.routes:
        raise SourceError(
            f"{source}: no routes found (expected 'GET /path' lines in fenced blocks)"
        )
    notes = []
    if doc.skipped:
        notes.append(
            f"{doc.skipped} route lines under headings without a controller were read as "
            "examples and skipped"
        )
    return LoadedSource(source, "document", doc.routes, doc.owners or None, notes)
