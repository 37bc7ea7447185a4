"""WordPress route regexes (PCRE) read as Python regexes, matched as WordPress does.

WordPress matches ``preg_match('@^' . $route . '$@i', $path)``: anchored at both
ends, case-insensitive, and (no ``/u``) ASCII-only for ``\\w``/``\\d`` and case
folding. Python equivalent: ``re.IGNORECASE | re.ASCII`` and ``fullmatch``.

Translation (``to_python``) handles the PCRE forms Python does not read:
``(?<name>...)`` and ``(?'name'...)`` become ``(?P<name>...)``; POSIX classes
such as ``[[:alpha:]]`` are expanded; ``\\z`` becomes ``\\Z``. A top-level
alternation ``a|b`` means ``^a|b$`` to PCRE (a prefix *or* a suffix match), so it
is rewritten to the equivalent whole-string form ``a[\\s\\S]*|[\\s\\S]*b``.
What Python still cannot compile raises ``RouteRegexError``.

Not modelled: PCRE's ``$`` also matching before one trailing newline, and PHP
matching non-ASCII text byte by byte (counted quantifiers over non-ASCII).
"""

from __future__ import annotations

import re
from functools import lru_cache

FLAGS = re.IGNORECASE | re.ASCII
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_META = set(".^$*+?{}[]()|\\")
_QUANTIFIER_START = set("?*+{")
_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "word": "\\w",
    "space": "\\s",
    "upper": "A-Z",
    "lower": "a-z",
    "xdigit": "0-9A-Fa-f",
    "punct": "!-/:-@\\[-`{-~",
}
_POSIX_RE = re.compile(r"\[:(\^?)(" + "|".join(_POSIX) + r"):\]")
_QUANTIFIER_RE = re.compile(r"\{\d*(,\d*)?\}")
_PCRE_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")  # {n} {n,} {n,m}: all PCRE2 10.42 reads
_GROUP_OPENER = re.compile(r"\(\?(?:P?<(?![=!])[A-Za-z_]\w*>|'[A-Za-z_]\w*'|[^)]?)")
_PCRE_NAMED = re.compile(r"\(\?<[A-Za-z_]\w*>")


class RouteRegexError(ValueError):
    """A route regex that Python cannot read, even after translation."""


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as PCRE's caseless matching without /u does."""
    return text.translate(_ASCII_LOWER)


def _class_end(pattern: str, start: int) -> int:
    """Index just past the character class opening at ``start`` ('[')."""
    i = start + 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and (posix := _POSIX_RE.match(pattern, i)):
            i = posix.end()
            continue
        if ch == "]":
            return i + 1
        i += 1
    return len(pattern)


def _translate_class(text: str) -> str:
    def expand(m: re.Match[str]) -> str:
        if m.group(1):  # [:^alpha:] has no direct Python form
            raise RouteRegexError(f"negated POSIX class {m.group(0)} is not supported")
        return _POSIX[m.group(2)]

    return _POSIX_RE.sub(expand, text)


def _tokens(pattern: str) -> list[str]:
    """Split into atoms: escapes, whole classes, group openers, single characters."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif ch == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif ch == "(" and pattern.startswith("(?", i):
            m = _GROUP_OPENER.match(pattern, i)
            opener = m.group(0) if m else "(?"
            out.append(opener)
            i += len(opener)
        else:
            out.append(ch)
            i += 1
    return out


def _top_level_alternatives(tokens: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.startswith("("):
            depth += 1
        elif tok == ")":
            depth -= 1
        elif tok == "|" and depth == 0:
            parts.append([])
            continue
        parts[-1].append(tok)
    return parts


@lru_cache(maxsize=8192)
def to_python(route: str) -> str:
    """The route's regex in Python syntax, with WordPress's anchoring made explicit."""
    out: list[str] = []
    tokens = _tokens(route)
    for n, tok in enumerate(tokens):
        if tok == "{" and not _PCRE_QUANTIFIER.match("".join(tokens[n : n + 12])):
            tok = "\\{"  # PCRE2 10.42 reads "{,3}" and "{x}" as literals; Python would not
        elif _PCRE_NAMED.fullmatch(tok):
            tok = "(?P<" + tok[3:]
        elif tok.startswith("(?'"):
            tok = "(?P<" + tok[3:-1] + ">"
        elif tok.startswith("["):
            tok = _translate_class(tok)
        elif tok == "\\z":
            tok = "\\Z"
        out.append(tok)
    alternatives = _top_level_alternatives(out)
    if len(alternatives) == 1:
        return "".join(out)
    # PCRE reads ^a|b|c$ as (^a)|(b)|(c$): a prefix, an infix or a suffix match.
    last = len(alternatives) - 1
    wrapped = []
    for n, alt in enumerate(alternatives):
        body = "".join(alt)
        wrapped.append(("" if n == 0 else "[\\s\\S]*") + body + ("" if n == last else "[\\s\\S]*"))
    return "(?:" + "|".join(wrapped) + ")"


@lru_cache(maxsize=8192)
def compile_route(route: str) -> re.Pattern[str]:
    """Compile for dispatch-equivalent matching; use with ``fullmatch``."""
    try:
        return re.compile(to_python(route), FLAGS)
    except (re.error, RecursionError) as exc:
        raise RouteRegexError(str(exc)) from None


def route_matches(route: str, path: str) -> bool:
    return compile_route(route).fullmatch(path) is not None


def delimiter_problem(route: str) -> bool:
    """True when the route has an unescaped '@', WordPress's regex delimiter.

    PHP looks for the closing delimiter skipping only backslash-escaped characters,
    so an '@' anywhere (even inside a class) ends the pattern and preg_match fails.
    """
    i = 0
    while i < len(route):
        if route[i] == "\\":
            i += 2
            continue
        if route[i] == "@":
            return True
        i += 1
    return False


def _literal_char(tok: str) -> str | None:
    """The character a token stands for when it is a plain literal."""
    if len(tok) == 1:
        return None if tok in _META else tok
    if tok.startswith("\\") and len(tok) == 2 and not tok[1].isalnum():
        return tok[1]
    return None


def literal_prefix(route: str) -> str:
    """The text every matching path starts with (as written, before case folding)."""
    tokens = _tokens(to_python(route)) if route else []
    out: list[str] = []
    for n, tok in enumerate(tokens):
        ch = _literal_char(tok)
        if ch is None:
            # "x?" / "x{0,1}": the last literal is not certain after all
            quantified = tok != "{" or _QUANTIFIER_RE.match("".join(tokens[n:]))
            if tok[:1] in _QUANTIFIER_START and out and quantified:
                out.pop()
            break
        out.append(ch)
    return "".join(out)


def split_pieces(python_regex: str) -> tuple[str, ...] | None:
    """The regex cut at its top-level '/' separators, group names dropped.

    ``/wp/v2/posts/(?P<id>[\\d]+)`` gives ``('', 'wp', 'v2', 'posts', '(?:[\\d]+)')``.
    None when the regex has a top-level alternation or a quantified separator
    (``/x/?``), where the pieces would not be independent.
    """
    tokens = _tokens(python_regex)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for n, tok in enumerate(tokens):
        if tok.startswith("("):
            depth += 1
            if tok.startswith("(?P<"):
                tok = "(?:"
        elif tok == ")":
            depth -= 1
        elif tok == "|" and depth == 0:
            return None
        if depth == 0 and tok in ("/", "\\/"):
            nxt = tokens[n + 1] if n + 1 < len(tokens) else ""
            if nxt[:1] in _QUANTIFIER_START:
                return None
            pieces.append("".join(current))
            current = []
            continue
        current.append(tok)
    pieces.append("".join(current))
    return tuple(pieces)


def literal_of(piece: str) -> str | None:
    """The literal text of a piece made only of plain characters, else None."""
    out: list[str] = []
    for tok in _tokens(piece):
        ch = _literal_char(tok)
        if ch is None:
            return None
        out.append(ch)
    return "".join(out)
