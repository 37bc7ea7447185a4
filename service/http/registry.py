"""The route registry, with WordPress's registration and dispatch semantics.

Registration (``register_rest_route`` / ``WP_REST_Server::register_route``):
the key is ``/namespace/route``; registering a key again appends its handlers (the
earlier ones keep winning) unless ``override=True`` replaces them; the first route
of a namespace auto-registers the namespace index ``/namespace``.

Registering a key again under another namespace split (``a`` + ``b/c`` after
``a/b`` + ``c``) merges into the same route, which then belongs to the later
namespace for dispatch, while both namespaces' indexes list it. Nothing is compiled
at registration: a route whose regex PCRE would refuse (duplicate group names, an
``@``, WordPress's delimiter) registers and never matches.

Dispatch (``match_request_to_handler``): the namespaces whose name is a raw prefix
of the path are collected in namespace order (all routes when none is); each
route's regex is matched anchored and case-insensitively (ASCII, as PCRE without
/u); for each matching route, its endpoints are tried in registration order and
the first that serves the method wins; HEAD is served by an endpoint that lists
HEAD, or else by one that lists GET (per endpoint, in order); a route that matches
without a handler for the method falls through to later routes. The named groups
are the URL parameters as PHP's ``preg_match`` gives them: an unmatched group is
``""`` when a later group matched and absent when none did.

WordPress scans linearly. We keep its order exactly but only test the routes whose
leading literal segments agree with the path: a segment trie indexes each route
under its literal prefix, so dispatch cost grows with the path's depth, not with
the number of routes.

Platform routes (``/api/...``) are served by aiohttp's router; they are recorded
here too so that every route the server answers is in one list.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from service.accounts.permissions import PUBLIC, Permission
from service.routes import regexes

# WP_REST_Server's constants, in their order ("POST, PUT, PATCH").
READABLE = ("GET",)
CREATABLE = ("POST",)
EDITABLE = ("POST", "PUT", "PATCH")
DELETABLE = ("DELETE",)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_META = set(".^$*+?{}[]()|\\")


def ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def compile_route(pattern: str) -> re.Pattern[str]:
    """The route's regex as WordPress matches it (PCRE forms translated); use fullmatch."""
    try:
        return regexes.compile_route(pattern)
    except regexes.RouteRegexError as exc:
        raise ValueError(f"route {pattern!r} is not a valid regex: {exc}") from None


def dispatch_regex(pattern: str) -> re.Pattern[str] | None:
    """The regex dispatch uses, or None when preg_match would fail on it (never matches)."""
    if regexes.delimiter_problem(pattern):
        return None
    try:
        return regexes.compile_route(pattern)
    except regexes.RouteRegexError:
        return None


def url_params(m: re.Match[str]) -> dict[str, str]:
    """Named groups as PHP's preg_match fills ``$matches``: groups after the last one
    that matched are left out; an unmatched group before it is ``""``."""
    last = max((i for i in range(1, m.re.groups + 1) if m.start(i) != -1), default=0)
    names = sorted(m.re.groupindex.items(), key=lambda item: item[1])
    return {name: m.group(i) or "" for name, i in names if i <= last}


def _is_literal(python_regex: str) -> bool:
    escaped = False
    for ch in python_regex:
        if escaped:
            if ch.isalnum():
                return False
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in _META:
            return False
    return True


def literal_prefix(pattern: str) -> tuple[str, bool]:
    """The text every match starts with, and whether it is the whole pattern."""
    prefix = regexes.literal_prefix(pattern)
    return prefix, _is_literal(regexes.to_python(pattern))


Handler = Callable[[Any], Awaitable[Any]]


@dataclass
class Endpoint:
    methods: Iterable[str]
    handler: Handler | None
    permission: Permission = PUBLIC
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""
    show_in_index: bool = True
    owner: str = ""

    def __post_init__(self) -> None:
        # Registration order, as WordPress keeps ``methods`` (a comma list or array).
        names = self.methods.split(",") if isinstance(self.methods, str) else self.methods
        self.methods = tuple(dict.fromkeys(m.strip().upper() for m in names))

    def serves(self, method: str) -> bool:
        """WordPress's check per handler: HEAD falls back to GET when HEAD is not listed."""
        if method == "HEAD" and "HEAD" not in self.methods:
            method = "GET"
        return method in self.methods


@dataclass
class Route:
    namespace: str
    pattern: str
    endpoints: list[Endpoint]
    owner: str
    position: int
    surface: str = "wp"
    regex: re.Pattern[str] | None = None
    path_template: str = ""

    @property
    def methods(self) -> list[str]:
        """Concatenated over endpoints, duplicates kept, as WordPress's index does."""
        return [m for ep in self.endpoints for m in ep.methods]

    @property
    def has_params(self) -> bool:
        return "(?P<" in regexes.to_python(self.pattern)

    def endpoint_for(self, method: str) -> Endpoint | None:
        return next((ep for ep in self.endpoints if ep.serves(method)), None)


def ordered_methods(methods: Iterable[str]) -> list[str]:
    """Methods as registered (WordPress never sorts them)."""
    return list(methods)


@dataclass
class Match:
    route: Route
    endpoint: Endpoint
    params: dict[str, str]


class _Node:
    __slots__ = ("children", "routes")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.routes: list[Route] = []


class RouteRegistry:
    def __init__(self, index_handler: Handler | None = None) -> None:
        self._routes: dict[str, Route] = {}
        self._namespaces: list[str] = []
        self._namespace_keys: dict[str, list[str]] = {}  # every key registered under each
        self._platform: list[Route] = []
        self._trie = _Node()
        self._index_handler = index_handler
        self.version = 0  # moves on every registration; caches of derived data key on it

    # -- registration -------------------------------------------------------
    def register(
        self,
        namespace: str,
        route: str,
        endpoints: Endpoint | Iterable[Endpoint],
        owner: str,
        override: bool = False,
    ) -> Route:
        if not namespace or not namespace.strip("/"):
            raise ValueError("Routes must be namespaced with plugin or theme name and version.")
        if not route:
            raise ValueError("Route must be specified.")
        namespace = namespace.strip("/")
        key = "/" + namespace + "/" + route.strip("/")
        endpoints = [endpoints] if isinstance(endpoints, Endpoint) else list(endpoints)
        for ep in endpoints:
            ep.owner = ep.owner or owner
        if namespace not in self._namespaces:
            self._namespaces.append(namespace)
            self._namespace_keys[namespace] = []
            self._add_namespace_index(namespace)
        keys = self._namespace_keys[namespace]
        if key not in keys:
            keys.append(key)
        return self._put(namespace, key, endpoints, owner, override)

    def register_root(self, endpoints: Iterable[Endpoint], owner: str) -> Route:
        """The site index ``/``, which belongs to no namespace."""
        return self._put("", "/", list(endpoints), owner, override=True)

    def _add_namespace_index(self, namespace: str) -> None:
        # As WP_REST_Server::register_route: the args have a default and no type.
        index = Endpoint(
            READABLE,
            self._index_handler,
            args={"namespace": {"default": namespace}, "context": {"default": "view"}},
            owner="WP_REST_Server",
        )
        self._namespace_keys[namespace].append("/" + namespace)
        self._put(namespace, "/" + namespace, [index], "WP_REST_Server", override=False)

    def _put(
        self, namespace: str, key: str, endpoints: list[Endpoint], owner: str, override: bool
    ) -> Route:
        self.version += 1
        existing = self._routes.get(key)
        if existing is not None:
            existing.namespace = namespace  # the later registration's, as array_merge does
            if override:
                existing.endpoints = endpoints
                existing.owner = owner
            else:
                existing.endpoints.extend(endpoints)
            return existing
        route = Route(
            namespace=namespace,
            pattern=key,
            endpoints=endpoints,
            owner=owner,
            position=len(self._routes),
            regex=dispatch_regex(key),
        )
        self._routes[key] = route
        self._index(route)
        return route

    def _index(self, route: Route) -> None:
        text, complete = literal_prefix(route.pattern)
        parts = ascii_lower(text).split("/")
        node = self._trie
        for segment in parts if complete else parts[:-1]:
            node = node.children.setdefault(segment, _Node())
        node.routes.append(route)

    def register_platform(
        self,
        methods: Iterable[str],
        path: str,
        owner: str,
        permission: Permission,
        description: str = "",
        handler: Handler | None = None,
    ) -> Route:
        """Record a route served by aiohttp's router (``{name}`` placeholders)."""
        pattern = re.sub(r"\{(\w+)(?::[^}]*)?\}", r"(?P<\1>[^/]+)", path)
        namespace = "/".join(path.strip("/").split("/")[:2])
        route = Route(
            namespace=namespace,
            pattern=pattern,
            endpoints=[
                Endpoint(
                    frozenset(methods), handler, permission, description=description, owner=owner
                )
            ],
            owner=owner,
            position=-1,
            surface="platform",
            regex=compile_route(pattern),
            path_template=path,
        )
        self._platform.append(route)
        return route

    # -- lookup -------------------------------------------------------------
    @property
    def namespaces(self) -> list[str]:
        return list(self._namespaces)

    def routes(self, namespace: str | None = None) -> list[Route]:
        """WordPress routes in registration (index) order; with a namespace, the routes
        dispatch counts in it (``get_routes($namespace)``)."""
        if namespace is None:
            return list(self._routes.values())
        return [r for r in self._routes.values() if r.namespace == namespace]

    def namespace_routes(self, namespace: str) -> list[Route]:
        """The routes a namespace's index lists: every key ever registered under it."""
        keys = set(self._namespace_keys.get(namespace, ()))
        return [r for k, r in self._routes.items() if k in keys]

    def platform_routes(self) -> list[Route]:
        return list(self._platform)

    def all_routes(self) -> list[Route]:
        """Every route the server answers: WordPress routes, then platform routes."""
        wp = self.routes()
        for offset, route in enumerate(self._platform):
            route.position = len(wp) + offset
        return wp + self._platform

    def _indexed(self, path: str) -> list[Route]:
        """Routes whose literal prefix agrees with ``path``: the only ones that can match."""
        node = self._trie
        found = list(node.routes)
        for segment in ascii_lower(path).split("/"):
            child = node.children.get(segment)
            if child is None:
                break
            node = child
            found.extend(node.routes)
        return found

    def candidates(self, path: str) -> list[Route]:
        """Routes that may match ``path``, in WordPress's scan order."""
        found = self._indexed(path)
        probe = path.lstrip("/") + "/" if not path.endswith("/") else path.lstrip("/")
        qualifying = [ns for ns in self._namespaces if probe.startswith(ns)]
        if qualifying:
            order = {ns: i for i, ns in enumerate(qualifying)}
            found = [r for r in found if r.namespace in order]
            found.sort(key=lambda r: (order[r.namespace], r.position))
        else:
            found.sort(key=lambda r: r.position)
        return found

    def iter_matches(self, path: str) -> Iterator[tuple[Route, dict[str, str]]]:
        for route in self.candidates(path):
            m = route.regex.fullmatch(path) if route.regex else None
            if m:
                yield route, url_params(m)

    def match(self, path: str, method: str) -> Match | None:
        """The first endpoint that serves the method; its handler may be None, which
        WordPress answers with ``rest_invalid_handler``."""
        method = method.upper()
        for route, params in self.iter_matches(path):
            endpoint = route.endpoint_for(method)
            if endpoint is not None:
                return Match(route, endpoint, params)
        return None

    def first_route(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """OPTIONS: the first route whose regex matches, whatever the method (all routes)."""
        for route in sorted(self._indexed(path), key=lambda r: r.position):
            m = route.regex.fullmatch(path) if route.regex else None
            if m:
                return route, url_params(m)
        return None
