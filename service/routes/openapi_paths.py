"""WordPress route regexes as OpenAPI path templates.

``/woonoow/v1/products/(?P<id>[\\d]+)`` becomes ``/woonoow/v1/products/{id}`` with a
parameter ``id`` whose schema keeps the group's regex. A route is expressible when it is
literal text and named groups, each group unquantified and unable to match '/'. Any other
route (an alternation, an optional group, a class outside a group, a group that spans
segments) becomes its literal prefix plus one ``{wp_route_tail}`` parameter holding the
rest of the regex, flagged ``exact=False`` so the document can say so (``x-wp-route``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.routes import charsets, regexes

TAIL = "wp_route_tail"
_DIGITS: charsets.Intervals = ((0x30, 0x39),)


@dataclass
class PathParam:
    name: str
    regex: str | None  # None: no regex describes this part alone

    def schema(self) -> dict[str, Any]:
        """Digits only: a non-negative integer; anything else: a string with the regex."""
        if self.regex is None:
            return {"type": "string"}
        try:
            repeat = charsets.simple_repeat(charsets.parse(self.regex))
        except Exception:  # a regex Python's parser refuses: keep it as a pattern only
            repeat = None
        if repeat is not None and repeat[0] == _DIGITS and repeat[1] >= 1 and repeat[2] is None:
            return {"type": "integer", "minimum": 0}
        return {"type": "string", "pattern": f"^(?:{self.regex})$"}


@dataclass
class PathTemplate:
    path: str
    params: list[PathParam] = field(default_factory=list)
    exact: bool = True


def _group_end(tokens: list[str], start: int) -> int | None:
    """Index just past the ')' closing the group opened at ``start``."""
    depth = 0
    for n in range(start, len(tokens)):
        if tokens[n].startswith("("):
            depth += 1
        elif tokens[n] == ")":
            depth -= 1
            if depth == 0:
                return n + 1
    return None


def _exact(python_regex: str) -> PathTemplate | None:
    tokens = regexes._tokens(python_regex)
    out: list[str] = []
    params: list[PathParam] = []
    n = 0
    while n < len(tokens):
        tok = tokens[n]
        ch = regexes._literal_char(tok)
        if ch is not None:
            if ch in "{}?#":
                return None
            out.append(ch)
            n += 1
            continue
        if not tok.startswith("(?P<"):
            return None
        end = _group_end(tokens, n)
        if end is None:
            return None
        name, body = tok[4:-1], "".join(tokens[n + 1 : end - 1])
        following = tokens[end] if end < len(tokens) else ""
        if following[:1] in ("?", "*", "+", "{") or any(p.name == name for p in params):
            return None
        try:
            if charsets.can_match_slash(charsets.parse(body)):
                return None
        except Exception:
            return None
        out.append("{" + name + "}")
        params.append(PathParam(name, body))
        n = end
    return PathTemplate("".join(out), params)


def path_template(pattern: str) -> PathTemplate:
    """The OpenAPI path for a route regex (without the ``/wp-json`` prefix)."""
    python_regex = regexes.to_python(pattern)
    exact = _exact(python_regex)
    if exact is not None:
        return exact
    prefix = regexes.literal_prefix(pattern)
    prefix = prefix[: prefix.rfind("/") + 1] if "/" in prefix else "/"
    tokens = regexes._tokens(python_regex)
    literal = [regexes._literal_char(tok) for tok in tokens[: len(prefix)]]
    # Named groups become plain ones: ECMA-262 and Python spell names differently.
    rest = "".join("(?:" if tok.startswith("(?P<") else tok for tok in tokens[len(prefix) :])
    tail = rest if "".join(ch or "" for ch in literal) == prefix else None
    return PathTemplate(prefix + "{" + TAIL + "}", [PathParam(TAIL, tail)], exact=False)


def from_aiohttp(path: str) -> PathTemplate:
    """An aiohttp route path (``/api/v1/tokens/{id}/``): its ``{name}`` segments."""
    params: list[PathParam] = []
    out: list[str] = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name, _, regex = segment[1:-1].partition(":")
            params.append(PathParam(name, regex or "[^/]+"))
            segment = "{" + name + "}"
        out.append(segment)
    return PathTemplate("/".join(out), params)
