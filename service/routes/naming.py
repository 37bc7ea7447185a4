"""Naming rules of the WooNooW routes standard, as warnings.

Only literal segments after the namespace are judged; namespace segments
(``wp/v2``, ``wc/store/v1``) and version segments (``v2``, ``1.0``) are skipped, so
the usual OpenAPI-linter false positives on WordPress paths do not arise. Words
are whole words (split on ``-``, ``_``, ``.`` and camelCase), never substrings:
``output`` is not "put", ``posters`` is not "post". Each problem is reported once,
on the first route that has it, with the number of routes sharing it.

* ``kebab-case``: a literal segment is not lower-case words joined by ``-``
  (dots allowed, as in ``1.0``): ``wp_pattern_category``, ``pickupLocations``.
* ``plural-resource``: a collection segment (first under the namespace, or right
  before a parameter, or a sub-resource after a parameter that is not an action)
  whose last word is singular. Uncountable and singleton names are fine
  (``status``, ``settings``, ``data``, ``media``, ``news``, ``batch``, ``search``,
  ``cart``, ``account``, ...); segments after a literal (``/products/search``,
  ``/settings/tax``) are action or sub-collection names and are not judged.
* ``verb-in-path``: a word of a segment is an HTTP verb (``get``, ``put``,
  ``patch``, ``delete``; ``post``, ``head``, ``options`` and ``trace`` are left out
  because they are nouns in WordPress paths: ``post-process``, ``options``), or
  the first word of a resource name directly under the namespace is a CRUD verb
  (``/get-products``, ``/create-order``). ``/cart/add-item`` is an action route.
* ``generic-route``: directly under the namespace, an action word (``/search``,
  ``/validate``) or a parameter, which would compete with every resource.
* ``trailing-slash``: a WordPress route ending in '/' never matches over HTTP,
  because WordPress strips the trailing slash from request paths. Not applied to
  the platform surface, whose convention is trailing slashes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.routes.model import Finding, RouteSpec
from service.routes.regexes import ascii_lower
from service.routes.rules import RouteKey, body_segments

_KEBAB = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_VERSION = re.compile(r"v?\d+(?:\.\d+)*[a-z]?", re.IGNORECASE)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

HTTP_VERBS = frozenset({"get", "put", "patch", "delete"})
CRUD_VERBS = HTTP_VERBS | {
    "create", "update", "remove", "fetch", "add", "set", "edit", "save", "list",
    "retrieve", "modify", "insert", "destroy", "make", "do",
}  # fmt: skip
ACTION_VERBS = CRUD_VERBS | {
    "activate", "apply", "approve", "archive", "calculate", "cancel", "check", "clone",
    "confirm", "copy", "deactivate", "disable", "download", "duplicate", "enable", "encode",
    "export", "generate", "import", "install", "introspect", "login", "logout", "lookup",
    "merge", "move", "preview", "process", "publish", "refresh", "refund", "render", "reset",
    "restore", "resend", "revoke", "rotate", "run", "search", "select", "send", "sync", "test",
    "toggle", "upload", "validate", "verify",
}  # fmt: skip
GENERIC = frozenset({
    "search", "validate", "validation", "verify", "check", "lookup", "find", "query", "filter",
    "process", "calculate", "preview", "export", "import", "execute", "run", "action",
    "actions", "submit", "handle", "misc", "util", "utils", "common", "general",
})  # fmt: skip
UNCOUNTABLE = frozenset({
    "status", "settings", "data", "media", "news", "batch", "search", "info", "information",
    "metadata", "meta", "analytics", "health", "software", "hardware", "feedback", "equipment",
    "staff", "series", "species", "content", "history", "progress", "cart", "checkout",
    "account", "profile", "shop", "me", "auth", "oauth", "config", "configuration", "schema",
    "index", "inventory", "stock", "shipping", "billing", "tax", "overview", "dashboard",
    "home", "api", "wp", "wc", "audit",
})  # fmt: skip
IRREGULAR_PLURALS = frozenset({
    "people", "children", "men", "women", "feet", "teeth", "mice", "geese", "criteria",
    "indices", "matrices", "vertices", "phenomena", "alumni", "data",
})  # fmt: skip


_GENERIC_TAIL = (
    "'/{text}' directly under the namespace is a generic action route; "
    "put it under its resource (e.g. /products/search)"
)
_VERB_TAIL = (
    "segment '{text}' uses the verb '{verb}'; name the resource and let the HTTP method "
    "carry the action"
)
_PARAM_ROOT_TAIL = (
    "has a parameter directly under the namespace, so it matches every resource name; "
    "put it under a resource"
)


def words(segment: str) -> list[str]:
    return [ascii_lower(w) for part in re.split(r"[-_.\s]+", segment) for w in _WORD.findall(part)]


SINGULAR_S = frozenset({
    "bus", "campus", "virus", "bonus", "census", "corpus", "focus", "genus", "radius", "nexus",
    "stimulus", "syllabus", "apparatus", "cactus", "consensus", "surplus", "plus", "minus",
    "canvas", "alias", "atlas", "gas", "lens", "analysis", "basis", "axis", "thesis", "chassis",
})  # fmt: skip


def is_plural(word: str) -> bool:
    """A rough English test: enough to tell ``orders`` from ``order``."""
    if word in UNCOUNTABLE or word in IRREGULAR_PLURALS or word.isdigit():
        return True
    if word in SINGULAR_S or word.endswith("ss"):
        return False
    return word.endswith("s")


def _segment_problems(body: list[str | None], idx: int) -> list[tuple[str, str]]:
    """(rule, message tail) for the literal segment at ``idx``."""
    text = body[idx]
    assert text is not None
    ws = words(text)
    if not ws or _VERSION.fullmatch(text):
        return []
    root = idx == 0
    after_param = idx > 0 and body[idx - 1] is None
    before_param = idx + 1 < len(body) and body[idx + 1] is None
    out: list[tuple[str, str]] = []
    if not _KEBAB.fullmatch(text):
        out.append(("kebab-case", f"segment '{text}' is not kebab-case (write '{'-'.join(ws)}')"))
    joined = "-".join(ws)
    if root and joined in GENERIC:
        out.append(("generic-route", _GENERIC_TAIL.format(text=text)))
        return out
    verb = next((w for w in ws if w in HTTP_VERBS), None)
    if verb is None and root and ws[0] in CRUD_VERBS:
        verb = ws[0]
    if verb is not None:
        out.append(("verb-in-path", _VERB_TAIL.format(text=text, verb=verb)))
        return out
    is_action = after_param and any(w in ACTION_VERBS for w in ws)
    if (root or before_param or after_param) and not is_action and not is_plural(ws[-1]):
        out.append(("plural-resource", f"resource segment '{text}' is singular; use a plural noun"))
    return out


@dataclass
class _Problem:
    spec: RouteSpec  # the first route that has it
    tail: str
    count: int = 0


def naming_findings(keys: Sequence[RouteKey]) -> list[Finding]:
    seen: dict[tuple[str, str, str], _Problem] = {}  # (rule, namespace, path shape)
    out: list[Finding] = []
    for key in keys:
        spec = key.specs[0]
        if key.surface == "wp" and key.route != "/" and key.route.endswith("/"):
            msg = (
                f"{key.route} ends with '/': WordPress strips the trailing slash from request "
                "paths, so this route never matches over HTTP."
            )
            out.append(Finding("trailing-slash", "warning", (spec,), key.methods, msg))
        body = body_segments(spec)
        if not body:
            continue
        if body[0] is None:
            where = ("generic-route", key.namespace, "{}")
            seen.setdefault(where, _Problem(spec, _PARAM_ROOT_TAIL)).count += 1
        for idx, text in enumerate(body):
            if text is None:
                continue
            shape = "/".join(ascii_lower(t) if t is not None else "{}" for t in body[: idx + 1])
            for rule, tail in _segment_problems(body, idx):
                seen.setdefault((rule, key.namespace, shape), _Problem(spec, tail)).count += 1
    for (rule, _ns, _shape), p in seen.items():
        more = f" (shared by {p.count} routes)" if p.count > 1 else ""
        msg = f"{p.spec.route}: {p.tail}{more}."
        out.append(Finding(rule, "warning", (p.spec,), p.spec.methods, msg))
    return out
