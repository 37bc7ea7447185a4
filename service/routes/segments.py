"""Pieces of a route between top-level '/' separators, and how two pieces relate.

A route whose pieces cannot match '/' ("segment-structured": every WordPress
parameter class such as ``[\\d]+``, ``[\\w-]+``, ``[^/]+``) has the language
``p1 '/' p2 '/' ... pn``, and because no piece contains '/', two such routes
overlap exactly when they have the same number of pieces and every pair of
pieces overlaps; one contains the other exactly when every piece does.

Piece pairs are decided, fastest first: two literals by comparison (ASCII case
folded); a literal against a pattern by ``fullmatch``; two single-class repeats
by set and length arithmetic; anything else by interegular (``fsmcheck``).
Results are cached by piece source, so the thousands of ``(?:[\\d]+)`` pieces
of a large registry cost one decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.routes import charsets, fsmcheck
from service.routes.regexes import FLAGS, ascii_lower, literal_of


@dataclass(frozen=True, eq=False)
class Piece:
    src: str  # Python regex of the piece, group names dropped
    literal: str | None  # ASCII-lower-cased text when the piece is a plain literal
    regex: re.Pattern[str] | None
    simple: tuple[charsets.Intervals, int, int | None] | None
    slash: bool  # may match '/': the route is not segment-structured
    error: str | None = None


@dataclass(frozen=True)
class PieceRelation:
    intersects: bool | None
    x_in_y: bool | None
    y_in_x: bool | None
    witness: str | None = None
    reason: str | None = None


@lru_cache(maxsize=16384)
def piece(src: str) -> Piece:
    text = literal_of(src)
    if text is not None:
        return Piece(src, ascii_lower(text), None, None, "/" in text)
    try:
        regex = re.compile(src, FLAGS)
        items = charsets.parse(src)
        slash = charsets.can_match_slash(items)
        simple = None if slash else charsets.simple_repeat(items)
    except (re.error, ValueError, RecursionError) as exc:
        return Piece(src, None, None, None, True, str(exc))
    return Piece(src, None, regex, simple, slash)


_cache: dict[tuple[str, str], PieceRelation] = {}
_DISJOINT = PieceRelation(False, False, False)


def relate(x: Piece, y: Piece) -> PieceRelation:
    """How the languages of two '/'-free pieces relate (x_in_y: L(x) is within L(y))."""
    if x.literal is not None and y.literal is not None:
        if x.literal == y.literal:
            return PieceRelation(True, True, True, x.literal)
        return _DISJOINT
    if x.literal is not None:
        return _literal_vs_pattern(x, y)
    if y.literal is not None:
        rel = _literal_vs_pattern(y, x)
        return PieceRelation(rel.intersects, rel.y_in_x, rel.x_in_y, rel.witness, rel.reason)
    key = (x.src, y.src)
    found = _cache.get(key)
    if found is None:
        found = _patterns(x, y)
        if len(_cache) > 100_000:
            _cache.clear()
        _cache[key] = found
    return found


def _literal_vs_pattern(lit: Piece, pat: Piece) -> PieceRelation:
    assert lit.literal is not None and pat.regex is not None
    if pat.regex.fullmatch(lit.literal) is None:
        return _DISJOINT
    return PieceRelation(True, True, _is_only(pat, lit.literal), lit.literal)


def _is_only(pat: Piece, text: str) -> bool | None:
    """Whether a pattern piece that matches ``text`` matches nothing else."""
    if pat.simple is not None:
        chars, low, high = pat.simple
        return low == high and (low == 0 or charsets.size_up_to_case(chars) == 1)
    return fsmcheck.compare(pat.src, re.escape(text)).a_in_b


def _patterns(x: Piece, y: Piece) -> PieceRelation:
    if x.simple is not None and y.simple is not None:
        return _simple(x.simple, y.simple)
    verdict = fsmcheck.compare(x.src, y.src)
    return PieceRelation(
        verdict.intersects, verdict.a_in_b, verdict.b_in_a, verdict.witness, verdict.reason
    )


def _within(
    inner: tuple[charsets.Intervals, int, int | None],
    outer: tuple[charsets.Intervals, int, int | None],
) -> bool:
    chars_i, low_i, high_i = inner
    chars_o, low_o, high_o = outer
    if not chars_i or high_i == 0:  # the language is {""} (or empty when low > 0)
        return low_i > 0 or low_o == 0
    if low_i < low_o:
        return False
    if high_o is not None and (high_i is None or high_i > high_o):
        return False
    return charsets.issubset(chars_i, chars_o)


def _simple(
    x: tuple[charsets.Intervals, int, int | None],
    y: tuple[charsets.Intervals, int, int | None],
) -> PieceRelation:
    low = max(x[1], y[1])
    highs = [h for h in (x[2], y[2]) if h is not None]
    high = min(highs) if highs else None
    if high is not None and low > high:
        return _DISJOINT
    if low == 0:
        witness: str | None = ""
    else:
        ch = charsets.pick(charsets.intersect(x[0], y[0]))
        if ch is None:
            return _DISJOINT
        witness = ch * low
    return PieceRelation(True, _within(x, y), _within(y, x), witness)
