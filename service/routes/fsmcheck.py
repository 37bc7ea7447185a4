"""Exact language comparison with interegular, for pieces the fast paths cannot decide.

Both regexes are read case-insensitively (``(?i)``) over one shared alphabet.
Anything interegular cannot turn into an automaton (anchors, lookarounds,
back-references, PCRE-only syntax) gives an *unknown* verdict, never "disjoint"
(``Comparator.isdisjoint`` would silently assume disjoint). The witness is found by
a breadth-first search over the pair of automata, choosing readable characters;
interegular's own ``strings()`` enumerates every character of every transition and
can run for minutes on route-sized patterns.

interegular folds case for every letter while WordPress (PCRE without /u) folds
ASCII only; this matters only for non-ASCII letters in a pattern, and a witness
that relies on it fails the verification against Python's ``re`` (ASCII mode).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from interegular import InvalidSyntax, REFlags, Unsupported, parse_pattern
from interegular.fsm import FSM, Alphabet, anything_else

from service.routes import charsets

MAX_SOURCE = 600  # characters per pattern
MAX_PRODUCT = 250_000  # states(a) * states(b) we are willing to explore


@dataclass(frozen=True)
class Verdict:
    intersects: bool | None
    a_in_b: bool | None
    b_in_a: bool | None
    witness: str | None = None
    reason: str | None = None


def _unknown(reason: str) -> Verdict:
    return Verdict(None, None, None, None, reason)


@lru_cache(maxsize=4096)
def compare(a_src: str, b_src: str) -> Verdict:
    """Relation between the full-string languages of two Python regexes."""
    if len(a_src) > MAX_SOURCE or len(b_src) > MAX_SOURCE:
        return _unknown("pattern too long for an exact comparison")
    try:
        pa, pb = parse_pattern("(?i)" + a_src), parse_pattern("(?i)" + b_src)
        if pa.prefix_postfix != (0, 0) or pb.prefix_postfix != (0, 0):
            return _unknown("lookarounds are not supported by the automaton comparison")
        alphabet = Alphabet.union(pa.get_alphabet(REFlags(0)), pb.get_alphabet(REFlags(0)))[0]
        fa, fb = pa.to_fsm(alphabet, (0, 0)), pb.to_fsm(alphabet, (0, 0))
    except (Unsupported, InvalidSyntax) as exc:
        return _unknown(f"interegular cannot read it ({exc})")
    except Exception as exc:  # interegular raises assorted errors on odd input
        return _unknown(f"interegular failed ({type(exc).__name__})")
    if len(fa.states) * len(fb.states) > MAX_PRODUCT:
        return _unknown("automata too large to compare")
    if fa.isdisjoint(fb):
        return Verdict(False, False, False)
    return Verdict(True, fa.issubset(fb), fb.issubset(fa), shortest_common(fa, fb))


def _representative(chars: list[Any], alphabet: Alphabet) -> str:
    real = [c for c in chars if c is not anything_else]
    if real:
        return min(real, key=charsets.rank)
    explicit = frozenset(c for c in alphabet._symbol_mapping if isinstance(c, str))
    return charsets.pick(charsets.ALL, avoid=explicit) or "?"


def shortest_common(fa: FSM, fb: FSM) -> str | None:
    """A shortest string both automata accept (deterministic, readable characters)."""
    alphabet = fa.alphabet
    reps = {key: _representative(chars, alphabet) for key, chars in alphabet.by_transition.items()}
    keys = sorted(reps, key=lambda k: charsets.rank(reps[k]))
    start = (fa.initial, fb.initial)
    came_from: dict[tuple[Any, Any], tuple[tuple[Any, Any], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state[0] in fa.finals and state[1] in fb.finals:
            out: list[str] = []
            step = came_from[state]
            while step is not None:
                prev, ch = step
                out.append(ch)
                step = came_from[prev]
            return "".join(reversed(out))
        moves_a, moves_b = fa.map.get(state[0], {}), fb.map.get(state[1], {})
        for key in keys:
            if key in moves_a and key in moves_b:
                nxt = (moves_a[key], moves_b[key])
                if nxt not in came_from:
                    came_from[nxt] = (state, reps[key])
                    queue.append(nxt)
    return None
