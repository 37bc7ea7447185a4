"""Character sets as sorted code-point intervals, read from Python's regex parser.

Used for the exact, fast decisions on "simple" segments (one character class,
repeated: ``[\\d]+``, ``[\\w-]{32}``, ``[^/]+``) and to tell whether a piece of a
route can match '/' at all. Semantics are those of ``re.IGNORECASE | re.ASCII``:
``\\d``, ``\\w``, ``\\s`` are ASCII, and only ASCII letters fold case.
"""

from __future__ import annotations

from re import _constants as sre  # type: ignore[attr-defined]  # private, no stubs
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, no stubs
from typing import Any

MAX_CP = 0x10FFFF
Intervals = tuple[tuple[int, int], ...]

ALL: Intervals = ((0, MAX_CP),)
_DIGIT: Intervals = ((0x30, 0x39),)
_WORD: Intervals = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE: Intervals = ((0x09, 0x0D), (0x20, 0x20))
SLASH = ord("/")

# Witness characters, most readable first.
_PREFERRED = (
    "abcdefghijklmnopqrstuvwxyz1234567890-_.~%!$&'()*+,;=:@ "
    '"#<>?[\\]^`{|}ABCDEFGHIJKLMNOPQRSTUVWXYZ/\t\n\r\x0b\x0c'
)


_RANK = {ch: n for n, ch in enumerate(_PREFERRED)}


def rank(ch: str) -> tuple[int, str]:
    """Sort key: preferred witness characters first, then by code point."""
    return (_RANK.get(ch, len(_RANK)), ch)


def normalize(intervals: list[tuple[int, int]]) -> Intervals:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def complement(a: Intervals) -> Intervals:
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in a:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= MAX_CP:
        out.append((start, MAX_CP))
    return tuple(out)


def intersect(a: Intervals, b: Intervals) -> Intervals:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def issubset(a: Intervals, b: Intervals) -> bool:
    return intersect(a, b) == a


def contains(a: Intervals, cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in a)


def fold_case(a: Intervals) -> Intervals:
    """Close a set under ASCII case folding."""
    extra: list[tuple[int, int]] = []
    for lo, hi in a:
        for base, other in ((0x41, 0x61), (0x61, 0x41)):
            s, e = max(lo, base), min(hi, base + 25)
            if s <= e:
                extra.append((s - base + other, e - base + other))
    return normalize([*a, *extra]) if extra else a


def size_up_to_case(a: Intervals) -> int:
    """Members of a case-folded set, counting a letter and its other case once."""
    upper = intersect(a, ((0x41, 0x5A),))
    return sum(hi - lo + 1 for lo, hi in a) - sum(hi - lo + 1 for lo, hi in upper)


def pick(a: Intervals, avoid: frozenset[str] = frozenset()) -> str | None:
    """A readable member of the set (None when empty)."""
    for ch in _PREFERRED:
        if ch not in avoid and contains(a, ord(ch)):
            return ch
    for lo, hi in a:
        for cp in range(max(lo, 0xA0), min(hi, 0xA0 + 512) + 1):
            if chr(cp) not in avoid and chr(cp).isprintable():
                return chr(cp)
    for lo, hi in a:
        for cp in range(lo, min(hi, lo + 64) + 1):
            if chr(cp) not in avoid:
                return chr(cp)
    return None


def _category(code: Any) -> Intervals:
    table = {
        sre.CATEGORY_DIGIT: _DIGIT,
        sre.CATEGORY_WORD: _WORD,
        sre.CATEGORY_SPACE: _SPACE,
    }
    negated = {
        sre.CATEGORY_NOT_DIGIT: _DIGIT,
        sre.CATEGORY_NOT_WORD: _WORD,
        sre.CATEGORY_NOT_SPACE: _SPACE,
    }
    if code in table:
        return table[code]
    if code in negated:
        return complement(negated[code])
    raise ValueError(f"unsupported category {code}")


def char_item(op: Any, av: Any) -> Intervals | None:
    """The (case-folded) set one parser item matches, or None if not a one-char item."""
    if op is sre.LITERAL:
        return fold_case(((av, av),))
    if op is sre.NOT_LITERAL:
        return complement(fold_case(((av, av),)))
    if op is sre.ANY:
        return complement(((0x0A, 0x0A),))
    if op is sre.IN:
        negate = False
        parts: list[tuple[int, int]] = []
        for sub_op, sub_av in av:
            if sub_op is sre.NEGATE:
                negate = True
            elif sub_op is sre.LITERAL:
                parts.append((sub_av, sub_av))
            elif sub_op is sre.RANGE:
                parts.append(sub_av)
            elif sub_op is sre.CATEGORY:
                parts.extend(_category(sub_av))
            else:
                raise ValueError(f"unsupported class item {sub_op}")
        folded = fold_case(normalize(parts))
        return complement(folded) if negate else folded
    return None


def parse(piece: str) -> Any:
    return sre_parse.parse(piece, 0)


_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def can_match_slash(items: Any) -> bool:
    """Whether any atom of the parsed piece can match '/' (True when unsure)."""
    for op, av in items:
        chars = char_item(op, av)
        if chars is not None:
            if contains(chars, SLASH):
                return True
        elif op is sre.SUBPATTERN:
            if can_match_slash(av[3]):
                return True
        elif op in _REPEATS:
            if can_match_slash(av[2]):
                return True
        elif op is sre.BRANCH:
            if any(can_match_slash(alt) for alt in av[1]):
                return True
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            if can_match_slash(av):
                return True
        else:  # anchors, lookarounds, back-references: leave to the general path
            return True
    return False


def simple_repeat(items: Any) -> tuple[Intervals, int, int | None] | None:
    """``(chars, min, max)`` when the piece is one class repeated (groups unwrapped)."""
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        _group, add_flags, del_flags, inner = items[0][1]
        if add_flags or del_flags:
            return None
        items = inner
    if len(items) != 1:
        return None
    op, av = items[0]
    chars = char_item(op, av)
    if chars is not None:
        return chars, 1, 1
    # A possessive repeat equals a greedy one here: the whole segment is the repeat and
    # what follows ('/' or the end) is not in the class.
    if op in _REPEATS and len(av[2]) == 1:
        low, high, (inner_item,) = av[0], av[1], list(av[2])
        chars = char_item(*inner_item)
        if chars is not None:
            return chars, low, None if high is sre.MAXREPEAT else high
    return None


def is_plain(items: Any) -> bool:
    """Only characters, groups, greedy/lazy repeats and alternations."""
    for op, av in items:
        if char_item(op, av) is not None:
            continue
        if op is sre.SUBPATTERN:
            ok = is_plain(av[3])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            ok = is_plain(av[2])
        elif op is sre.BRANCH:
            ok = all(is_plain(alt) for alt in av[1])
        else:
            ok = False
        if not ok:
            return False
    return True
