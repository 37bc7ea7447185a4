"""Conflict rules: duplicates, unreachable and overlapping routes, unreadable regexes, owners.

WordPress semantics throughout. Specs with the same route key are one route whose
handlers are the specs' endpoints in registration order. For a request the first
route (in dispatch order) whose regex matches *and* that has a handler for the
method wins; a route with no handler for the method is skipped (method
fall-through), and HEAD is served by a GET handler when a handler has no HEAD.

* ``duplicate-route`` (error): a key has two handlers for one method (counting
  HEAD served by GET); the later handler is never reached.
* ``shadowed-route`` (error): for some method, every path of a later route is
  matched by one earlier route that handles that method (or both match exactly
  the same paths), so the later route never serves that method.
* ``partial-overlap``: the two routes share some paths and a method; the earlier
  wins on them. ``info`` when the earlier one is a special case of the later one
  (``/templates/lookup`` before ``/templates/(?P<id>...)``, the intended pattern),
  ``warning`` when neither contains the other.
* ``overlap-undecided`` (warning): the overlap could not be decided exactly.
* ``unparseable-route`` (error): Python cannot read the regex even after the PCRE
  translation, or it contains an unescaped '@' (WordPress's delimiter: preg_match
  fails). Such a route is left out of the overlap checks, and the finding says so.
* ``owner-conflict``: a controller registers the collection route (``/products``) or
  an item route (``/products/{param}...``) of a resource root another controller
  owns; specific action routes (``/products/search``) may live elsewhere. The
  owner comes from ``owners`` (error) or else is the controller that registers the
  root collection route first (warning). A non-owner registering the collection
  route before the declared owner is reported as handing the root to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from service.routes import overlap
from service.routes.model import Finding, RouteSpec, ordered_methods
from service.routes.regexes import ascii_lower, delimiter_problem, literal_of


@dataclass
class RouteKey:
    """All registrations of one route key, merged as WordPress merges them."""

    route: str
    namespace: str
    surface: str
    specs: list[RouteSpec] = field(default_factory=list)

    @property
    def position(self) -> int:
        return self.specs[0].position

    @property
    def endpoints(self) -> list[tuple[RouteSpec, frozenset[str]]]:
        return [
            (spec, frozenset(m.upper() for m in ep)) for spec in self.specs for ep in spec.endpoints
        ]

    @property
    def methods(self) -> tuple[str, ...]:
        return ordered_methods(m for _, ep in self.endpoints for m in ep)


def merge_keys(routes: Iterable[RouteSpec]) -> list[RouteKey]:
    """Group specs by (surface, route key), each key at its first registration."""
    keys: dict[tuple[str, str], RouteKey] = {}
    for spec in sorted(routes, key=lambda s: s.position):
        k = (spec.surface, spec.route)
        if k not in keys:
            keys[k] = RouteKey(spec.route, spec.namespace, spec.surface)
        keys[k].specs.append(spec)
    return sorted(keys.values(), key=lambda k: k.position)


def serves(methods: Iterable[str], method: str) -> bool:
    """Whether a handler declaring ``methods`` is picked for ``method`` (HEAD via GET)."""
    methods = set(methods)
    return method in methods or (method == "HEAD" and "GET" in methods)


def describe(spec: RouteSpec) -> str:
    return f"{spec.route} ({_where(spec)})"


def _where(spec: RouteSpec) -> str:
    return f"#{spec.position}, {spec.owner}" if spec.owner else f"#{spec.position}"


def _methods_text(methods: Sequence[str]) -> str:
    return methods[0] if len(methods) == 1 else ", ".join(methods[:-1]) + " and " + methods[-1]


# -- duplicates and unreadable regexes -------------------------------------------------


def duplicate_findings(keys: Iterable[RouteKey]) -> list[Finding]:
    out: list[Finding] = []
    for key in keys:
        eps = key.endpoints
        clashes: dict[tuple[int, int], tuple[RouteSpec, RouteSpec, list[str]]] = {}
        for j, (spec_j, methods_j) in enumerate(eps):
            for m in methods_j:
                earlier = next((s for s, ms in eps[:j] if serves(ms, m)), None)
                if earlier is not None:
                    entry = clashes.setdefault((id(earlier), id(spec_j)), (earlier, spec_j, []))
                    entry[2].append(m)
        for first, later, methods in clashes.values():
            ms = ordered_methods(methods)
            if first is later:
                msg = (
                    f"{describe(first)} has two {_methods_text(ms)} handlers; "
                    "WordPress always runs the first, so the later one is never reached."
                )
                routes: tuple[RouteSpec, ...] = (first,)
            else:
                msg = (
                    f"{_methods_text(ms)} {key.route} is registered twice ({_where(first)} "
                    f"and {_where(later)}); the later handler is never reached."
                )
                routes = (first, later)
            witness = overlap.example_path(key.route) if key.surface == "wp" else None
            out.append(Finding("duplicate-route", "error", routes, ms, msg, witness))
    return out


def unreadable(key: RouteKey) -> str | None:
    """Why a route's regex cannot take part in matching, or None."""
    if key.surface == "wp" and delimiter_problem(key.route):
        return "it contains an unescaped '@', WordPress's regex delimiter, so preg_match fails"
    error = overlap.prepare(key.route).error
    return f"Python cannot read it ({error})" if error else None


def unparseable_finding(key: RouteKey, reason: str) -> Finding:
    msg = f"{key.route} is not a usable route regex: {reason}; its overlaps were not checked."
    return Finding("unparseable-route", "error", (key.specs[0],), key.methods, msg)


# -- overlaps --------------------------------------------------------------------------


def overlap_finding(a: RouteKey, b: RouteKey, rel: overlap.Relation) -> Finding | None:
    """The finding for earlier key ``a`` and later key ``b`` that share paths."""
    a_eps = a.endpoints
    shared = [m for m in b.methods if any(serves(ms, m) for _, ms in a_eps)]
    if not shared:
        return None  # no common method: requests fall through to the right route
    ms = ordered_methods(shared)
    spec_a = next(s for s, eps in a_eps if any(serves(eps, m) for m in ms))
    specs_b = [s for s in b.specs if any(m in s.methods for m in ms)] or b.specs[:1]
    routes = (spec_a, *specs_b)
    what = _methods_text(ms)
    first, later = describe(spec_a), describe(specs_b[0])
    if rel.kind == overlap.EQUAL:
        msg = (
            f"{later} can never serve {what}: it matches exactly the paths of {first}, "
            "which is registered first."
        )
        return Finding("shadowed-route", "error", routes, ms, msg, rel.witness)
    if rel.kind == overlap.FIRST_CONTAINS:
        msg = (
            f"{later} can never serve {what}: every path it matches is matched first by {first}; "
            f"register it before #{spec_a.position} or narrow that pattern."
        )
        return Finding("shadowed-route", "error", routes, ms, msg, rel.witness)
    if rel.kind == overlap.SECOND_CONTAINS:
        msg = (
            f"{first} is a special case of {later} and is registered first, so it keeps its "
            f"paths for {what} (the intended WordPress pattern)."
        )
        return Finding("partial-overlap", "info", routes, ms, msg, rel.witness)
    if rel.kind == overlap.PARTIAL:
        msg = (
            f"{first} and {later} both match some paths; #{spec_a.position}, registered first, "
            f"wins them for {what}."
        )
        return Finding("partial-overlap", "warning", routes, ms, msg, rel.witness)
    shared_path = f"; both match {rel.witness}" if rel.witness else ""
    msg = (
        f"Could not decide how {later} overlaps {first} for {what} "
        f"({rel.reason or 'unsupported regex'}){shared_path}."
    )
    return Finding("overlap-undecided", "warning", routes, ms, msg, rel.witness)


# -- owners ----------------------------------------------------------------------------


def body_segments(spec: RouteSpec) -> list[str | None] | None:
    """The route's segments after its namespace, as written; None marks a parameter.

    The namespace is compared as raw text: WordPress pastes it into the regex
    unescaped, so ``oembed/1.0`` is matched by the pieces ``oembed`` and ``1.0``.
    """
    prepared = overlap.prepare(spec.route)
    if prepared.pieces is None:
        return None
    pieces = list(prepared.pieces)
    if pieces and pieces[0].src == "":
        pieces = pieces[1:]
    ns = [ascii_lower(s) for s in spec.namespace.strip("/").split("/") if s]
    if ns and [ascii_lower(p.src) for p in pieces[: len(ns)]] == ns:
        pieces = pieces[len(ns) :]
    if pieces and pieces[-1].src == "":
        pieces = pieces[:-1]
    return [literal_of(p.src) for p in pieces]


def _root_name(root: str) -> str:
    return ascii_lower(root.strip("/").split("/")[-1])


def owner_findings(keys: Sequence[RouteKey], owners: Mapping[str, str] | None) -> list[Finding]:
    declared = {_root_name(k): v for k, v in (owners or {}).items()}
    placed: list[tuple[RouteSpec, str, str]] = []  # spec, root, "collection" | "item"
    collection_owner: dict[tuple[str, str], RouteSpec] = {}
    for key in keys:
        if key.surface != "wp":
            continue
        for spec in key.specs:
            body = body_segments(spec)
            if not body or body[0] is None or spec.owner is None:
                continue
            root = ascii_lower(body[0])
            if len(body) == 1:
                collection_owner.setdefault((spec.namespace, root), spec)
                placed.append((spec, root, "collection"))
            elif body[1] is None:
                placed.append((spec, root, "item"))
    out: list[Finding] = []
    for spec, root, kind in placed:
        where = "the collection route" if kind == "collection" else "an item route"
        if root in declared:
            owner = declared[root]
            if spec.owner == owner:
                continue
            first = collection_owner.get((spec.namespace, root))
            owner_later = any(
                s.owner == owner and s.namespace == spec.namespace and r == root and k == kind
                for s, r, k in placed
            )
            if kind == "collection" and first is spec and owner_later:
                msg = (
                    f"Registration order hands /{root} to {spec.owner}: {describe(spec)} is "
                    f"registered before {owner}, which owns /{root}."
                )
            else:
                msg = (
                    f"{spec.owner} registers {where} {spec.route} of /{root}, which belongs to "
                    f"{owner}; only specific action routes (/{root}/search) may live elsewhere."
                )
            out.append(Finding("owner-conflict", "error", (spec,), spec.methods, msg))
            continue
        first = collection_owner.get((spec.namespace, root))
        if first is None or first.owner == spec.owner:
            continue
        msg = (
            f"{spec.owner} registers {where} {spec.route} of /{root}, which {first.owner} "
            f"owns (it registers {first.route} first, #{first.position})."
        )
        out.append(Finding("owner-conflict", "warning", (first, spec), spec.methods, msg))
    return out
