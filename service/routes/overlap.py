"""Do two WordPress routes match a common path, and does one cover the other?

``decide(first, second)`` answers for one pair; ``overlapping_pairs(routes)``
finds every non-disjoint pair of a registry without comparing all pairs:

* Segment-structured routes (no piece can match '/') go into a trie keyed by piece
  count and then piece by piece: literal pieces by their text, pattern pieces by
  their source. Walking the trie with a route visits only the branches whose
  pieces intersect the route's, so the candidates it returns really overlap.
* The other routes (a class containing '/': ``[\\/\\w%-]+``, ``[\\S]+``, ``.+``)
  are paired with every route whose literal prefix is compatible with theirs
  (one prefix starts with the other); nothing else can share a path with them.

Each pair is then decided exactly: piece by piece for segment-structured pairs
(``segments``), ``fullmatch`` when one route is a plain literal, otherwise
interegular on what is left after the common literal pieces (``fsmcheck``).
What cannot be decided is ``UNKNOWN``, never ``DISJOINT``. Every witness is
checked against both compiled route regexes before it is returned.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from service.routes import charsets, fsmcheck
from service.routes.regexes import (
    RouteRegexError,
    ascii_lower,
    compile_route,
    literal_prefix,
    split_pieces,
    to_python,
)
from service.routes.segments import Piece, PieceRelation, piece, relate

DISJOINT = "disjoint"
EQUAL = "equal"
FIRST_CONTAINS = "first-contains"  # every path of the second route matches the first
SECOND_CONTAINS = "second-contains"  # the first route is a special case of the second
PARTIAL = "partial"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Relation:
    kind: str
    witness: str | None = None  # a path both routes match, verified
    reason: str | None = None  # why the relation is unknown


@dataclass(frozen=True, eq=False)
class Prepared:
    route: str
    python: str | None
    regex: re.Pattern[str] | None
    error: str | None
    prefix: str  # ASCII-lower-cased literal prefix
    pieces: tuple[Piece, ...] | None
    segmented: bool

    @property
    def literal(self) -> str | None:
        """The one path a plain-literal route matches (lower-cased)."""
        if not self.segmented or self.pieces is None:
            return None
        texts = [p.literal for p in self.pieces if p.literal is not None]
        return "/".join(texts) if len(texts) == len(self.pieces) else None


@lru_cache(maxsize=16384)
def prepare(route: str) -> Prepared:
    try:
        regex = compile_route(route)
    except RouteRegexError as exc:
        return Prepared(route, None, None, str(exc), "", None, False)
    python = to_python(route)
    srcs = split_pieces(python)
    pieces = tuple(piece(s) for s in srcs) if srcs is not None else None
    segmented = pieces is not None and not any(p.slash for p in pieces)
    return Prepared(
        route, python, regex, None, ascii_lower(literal_prefix(route)), pieces, segmented
    )


def _all(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def _kind(a_in_b: bool | None, b_in_a: bool | None) -> str:
    if a_in_b is None or b_in_a is None:
        return UNKNOWN
    if a_in_b and b_in_a:
        return EQUAL
    if b_in_a:
        return FIRST_CONTAINS
    if a_in_b:
        return SECOND_CONTAINS
    return PARTIAL


def decide(first: Prepared | str, second: Prepared | str) -> Relation:
    """Relation of two routes, ``first`` registered before ``second``."""
    a = prepare(first) if isinstance(first, str) else first
    b = prepare(second) if isinstance(second, str) else second
    if a.regex is None or b.regex is None:
        return Relation(UNKNOWN, None, "a route regex cannot be read")
    if a.segmented and b.segmented:
        assert a.pieces is not None and b.pieces is not None
        if len(a.pieces) != len(b.pieces):
            return Relation(DISJOINT)
        rels = [relate(x, y) for x, y in zip(a.pieces, b.pieces, strict=True)]
        inter = _all(r.intersects for r in rels)
        if inter is False:
            return Relation(DISJOINT)
        witness = None if inter is None else "/".join(r.witness or "" for r in rels)
        kind = (
            UNKNOWN
            if inter is None
            else _kind(_all(r.x_in_y for r in rels), _all(r.y_in_x for r in rels))
        )
        reason = next((r.reason for r in rels if r.reason), None)
    else:
        kind, witness, reason = _general(a, b)
        if kind == DISJOINT:
            return Relation(DISJOINT)
    if witness is not None and not (a.regex.fullmatch(witness) and b.regex.fullmatch(witness)):
        return Relation(UNKNOWN, None, "the computed witness did not match both routes")
    if kind == UNKNOWN:
        reason = reason or "containment could not be decided"
    return Relation(kind, witness, reason)


def _general(a: Prepared, b: Prepared) -> tuple[str, str | None, str | None]:
    lit_a, lit_b = a.literal, b.literal
    if lit_a is not None or lit_b is not None:
        lit, other = (lit_a, b) if lit_a is not None else (lit_b, a)
        assert lit is not None and other.regex is not None and other.python is not None
        if other.regex.fullmatch(lit) is None:
            return DISJOINT, None, None
        reason = None
        if _width_varies(other.python) or _matches_another(other.regex, lit):
            other_in_lit: bool | None = False
        else:
            only = fsmcheck.compare(other.python, re.escape(lit))
            other_in_lit, reason = only.a_in_b, only.reason
        if lit_a is not None:
            return _kind(True, other_in_lit), lit, reason
        return _kind(other_in_lit, True), lit, reason
    head, rest_a, rest_b = _strip_common_literals(a, b)
    verdict = fsmcheck.compare(rest_a, rest_b)
    if verdict.intersects is False:
        return DISJOINT, None, None
    witness = None if verdict.witness is None else head + verdict.witness
    if verdict.intersects is None:
        return UNKNOWN, None, verdict.reason
    return _kind(verdict.a_in_b, verdict.b_in_a), witness, verdict.reason


@lru_cache(maxsize=4096)
def _width_varies(python: str) -> bool:
    """True when the regex surely matches strings of two different lengths.

    For a plain regex (no anchors, lookarounds, back-references, atomic groups)
    that matches anything, both bounds of its width are reached.
    """
    try:
        items = charsets.parse(python)
    except Exception:
        return False
    if not charsets.is_plain(items):
        return False
    low, high = items.getwidth()
    return low != high


def _matches_another(regex: re.Pattern[str], text: str) -> bool:
    """Whether the regex provably matches some string other than ``text``."""
    last = text[-1:] or "a"
    probes = (text + last, text[:-1], text + "a", text + "1", text[:-1] + "a", text[:-1] + "1")
    return any(p != text and regex.fullmatch(p) for p in probes)


def _strip_common_literals(a: Prepared, b: Prepared) -> tuple[str, str, str]:
    """Drop the leading literal pieces both routes share; the rest decides alone."""
    assert a.python is not None and b.python is not None
    if a.pieces is None or b.pieces is None:
        return "", a.python, b.python
    k = 0
    limit = min(len(a.pieces), len(b.pieces)) - 1
    while (
        k < limit and a.pieces[k].literal is not None and a.pieces[k].literal == b.pieces[k].literal
    ):
        k += 1
    head = "".join((p.literal or "") + "/" for p in a.pieces[:k])
    return (
        head,
        "/".join(p.src for p in a.pieces[k:]),
        "/".join(p.src for p in b.pieces[k:]),
    )


def example_path(route: Prepared | str) -> str | None:
    """A concrete path the route matches, verified, or None."""
    p = prepare(route) if isinstance(route, str) else route
    if p.regex is None:
        return None
    if p.segmented and p.pieces is not None:
        rels: list[PieceRelation] = [relate(x, x) for x in p.pieces]
        if any(r.witness is None for r in rels):
            return None
        path = "/".join(r.witness or "" for r in rels)
    else:
        assert p.python is not None
        path = fsmcheck.compare(p.python, p.python).witness or ""
    return path if p.regex.fullmatch(path) else None


# -- candidate pairs ------------------------------------------------------------------


class _Node:
    __slots__ = ("ends", "lits", "pats")

    def __init__(self) -> None:
        self.lits: dict[str, _Node] = {}
        self.pats: dict[str, tuple[Piece, _Node]] = {}
        self.ends: list[int] = []


def _trie_matches(root: _Node, pieces: tuple[Piece, ...]) -> list[int]:
    found: list[int] = []
    stack = [(root, 0)]
    depth_end = len(pieces)
    while stack:
        node, depth = stack.pop()
        if depth == depth_end:
            found.extend(node.ends)
            continue
        q = pieces[depth]
        if q.literal is not None:
            child = node.lits.get(q.literal)
            if child is not None:
                stack.append((child, depth + 1))
            for p, child in node.pats.values():
                if p.regex is not None and p.regex.fullmatch(q.literal):
                    stack.append((child, depth + 1))
        else:
            assert q.regex is not None
            for text, child in node.lits.items():
                if q.regex.fullmatch(text):
                    stack.append((child, depth + 1))
            for p, child in node.pats.values():
                if relate(p, q).intersects is not False:
                    stack.append((child, depth + 1))
    return found


def _trie_insert(root: _Node, pieces: tuple[Piece, ...], index: int) -> None:
    node = root
    for q in pieces:
        if q.literal is not None:
            node = node.lits.setdefault(q.literal, _Node())
        else:
            entry = node.pats.get(q.src)
            if entry is None:
                entry = node.pats[q.src] = (q, _Node())
            node = entry[1]
    node.ends.append(index)


def candidate_pairs(routes: Sequence[Prepared]) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) that may overlap; ``routes`` in dispatch order."""
    pairs: set[tuple[int, int]] = set()
    tries: dict[int, _Node] = {}
    general: list[int] = []
    for j, r in enumerate(routes):
        if r.regex is None:
            continue
        if r.segmented and r.pieces is not None:
            root = tries.setdefault(len(r.pieces), _Node())
            pairs.update((i, j) for i in _trie_matches(root, r.pieces))
            _trie_insert(root, r.pieces, j)
        else:
            general.append(j)
    if general:
        usable = [(r.prefix, n) for n, r in enumerate(routes) if r.regex is not None]
        usable.sort()
        keys = [k for k, _ in usable]
        by_prefix: dict[str, list[int]] = {}
        for k, n in usable:
            by_prefix.setdefault(k, []).append(n)
        for g in general:
            p = routes[g].prefix
            lo, hi = bisect.bisect_left(keys, p), bisect.bisect_right(keys, p + "\U0010ffff")
            others = [n for _, n in usable[lo:hi]]
            for i in range(len(p)):
                others.extend(by_prefix.get(p[:i], ()))
            pairs.update((min(g, n), max(g, n)) for n in others if n != g)
    return sorted(pairs)


def overlapping_pairs(routes: Sequence[Prepared]) -> Iterator[tuple[int, int, Relation]]:
    """Every pair (earlier, later) that is not disjoint, with its relation."""
    for i, j in candidate_pairs(routes):
        rel = decide(routes[i], routes[j])
        if rel.kind != DISJOINT:
            yield i, j, rel
