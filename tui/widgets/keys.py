"""The keys a screen, tab or dialog answers to, with human names for where they apply.

Only the console's own bindings are listed (those declared in ``tui`` classes), not
Textual's built-in ones (cursor keys, tab between fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

KEY_NAMES = {
    "escape": "esc",
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
}
KINDS = {"Modal": "dialog", "Screen": "screen", "Tab": "tab"}


@dataclass(frozen=True)
class KeyRow:
    key: str
    does: str
    where: str


def place_name(node: DOMNode | type[DOMNode]) -> str:
    """``HELP_NAME`` if the class has one, else its name in words: LicenseDetailModal is
    "License detail dialog", TokensScreen "Tokens screen", ProductsTab "Products tab"."""
    cls = node if isinstance(node, type) else type(node)
    named = getattr(cls, "HELP_NAME", "")
    if named:
        return str(named)
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+", cls.__name__)
    kind = KINDS.get(words[-1], "") if words else ""
    if kind:
        words = words[:-1]
    text = " ".join([words[0], *(w.lower() for w in words[1:])]) if words else cls.__name__
    return f"{text} {kind}".strip()


def key_text(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings the console's classes declare for ``cls`` (a subclass's binding of a
    key replaces its base's), in declaration order, bases first."""
    by_key: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("tui.") or "BINDINGS" not in vars(klass):
            continue
        for binding in vars(klass)["BINDINGS"]:
            if isinstance(binding, Binding):
                by_key.pop(binding.key, None)
                by_key[binding.key] = binding
    return list(by_key.values())


def rows_for(node: DOMNode | type[DOMNode], where: str = "") -> Iterator[KeyRow]:
    """The described bindings of ``node`` (a live node is asked ``check_action``: a key
    that does nothing there, such as ``[`` on a screen without tabs, is left out)."""
    cls = node if isinstance(node, type) else type(node)
    where = where or place_name(node)
    for binding in own_bindings(cls):
        if not binding.description or binding.action in ("app.help", "help"):
            continue
        if not isinstance(node, type) and not _available(node, binding):
            continue
        yield KeyRow(key_text(binding), binding.tooltip or binding.description, where)


def _available(node: DOMNode, binding: Binding) -> bool:
    name, _, _ = binding.action.partition("(")
    if "." in name:
        return True
    try:
        return node.check_action(name, ()) is not False
    except Exception:  # an action's check may need arguments; list it then
        return True
