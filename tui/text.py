"""Data reaches the console's widgets only through these helpers.

Values from the store or the API (names, notes, paths, event ids, error messages)
are shown as text: never parsed as Rich or Textual markup, and with every control
character, escape-sequence introducer and bidi override replaced by a visible symbol,
so no value can style the console, crash its markup parser or write an escape
sequence (OSC 52, CSI, ...) to the admin's terminal.

A value with right-to-left letters (Persian, Arabic, Hebrew) is wrapped in a first-strong
isolate (FSI ... PDI) in cells and markup values, so a bidi-capable terminal lays it out
on its own and the columns around it keep their order. The marks are ours: the same
characters in data are shown as symbols (⟨FSI⟩), so data cannot open or close an isolate.
"""

from __future__ import annotations

import re
import unicodedata

from rich.console import JustifyMethod
from rich.text import Text
from textual.content import Content

# A DataTable cell: data through ``cell``, or a literal of the console's own ("—").
Cell = Text | str
CELL_WIDTH = 60  # table cells: longer values end in an ellipsis
BLOCK_LIMIT = 2000  # detail views and notifications show more, but not everything
ELLIPSIS = "…"
FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE

_BIDI_NAMES = {
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}


def _table(*, multiline: bool) -> dict[int, str]:
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀ … ␟
    table[0x7F] = "␡"
    table.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})  # C1: CSI, OSC, NEL…
    table.update({code: f"⟨{name}⟩" for code, name in _BIDI_NAMES.items()})
    table[0x2028] = table[0x2029] = table[0x0A] = "⏎"
    table[0x09] = "⇥"
    if multiline:
        table[0x0A] = "\n"
        table[0x09] = "    "
    return table


_ONE_LINE = str.maketrans(_table(multiline=False))
_MULTILINE = str.maketrans(_table(multiline=True))
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)
# The blocks that hold right-to-left letters (and RLM); each match is confirmed by its
# bidi class, so Arabic-script digits and marks alone do not count.
_RTL_BLOCKS = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a strong right-to-left character."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in _RTL_BLOCKS.findall(text))


def isolate(text: str) -> str:
    """``text`` between FSI and PDI when it holds right-to-left letters, else as it is.
    Give it text that went through ``visible`` (no bidi controls of its own)."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


def visible(value: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """``value`` as a string that is safe to write to a terminal, every invisible or
    controlling character shown as a symbol (ESC as ␛, a newline as ⏎ unless
    ``multiline``); cut to ``limit`` characters with an ellipsis."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)] + ELLIPSIS
    text = text.translate(_MULTILINE if multiline else _ONE_LINE)
    return _SURROGATE.sub("\ufffd", text)


def cell(value: object, width: int = CELL_WIDTH, *, justify: JustifyMethod | None = None) -> Text:
    """One table cell (or option label): one line, at most ``width`` cells wide,
    isolated when it holds right-to-left text."""
    text = Text(visible(value, limit=width * 2), no_wrap=True, end="", justify=justify)
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    if has_rtl(text.plain):
        text = Text(isolate(text.plain), no_wrap=True, end="", justify=justify)
    return text


def block(value: object, limit: int = BLOCK_LIMIT) -> Text:
    """A longer text (a note, a detail line): line breaks kept, cut at ``limit``."""
    return Text(visible(value, multiline=True, limit=limit), end="")


def markup(template: str, **values: object) -> Content:
    """Our own markup ``template`` with ``$name`` placeholders filled by data, shown as
    text: ``markup("Revoke [b]$name[/b]?", name=token.name)``. Only the template is
    parsed; values are substituted after parsing, so ``[/]`` in a value is literal.
    Each value stays on its line (a newline in it shows as ⏎) and is isolated when it
    holds right-to-left text."""
    shown = {name: isolate(visible(value, limit=BLOCK_LIMIT)) for name, value in values.items()}
    return Content.from_markup(template, **shown)


def number_search_error(search: str) -> str | None:
    """Searches look ids and order numbers (``123``, ``#123``) up by number; one that
    Python calls digits but is not ASCII (``²``, ``#۱۲``) gets a message instead."""
    number = search.strip().removeprefix("#")
    if number.isdigit() and not _ASCII_NUMBER.fullmatch(number):
        return "Numbers are searched with the digits 0-9."
    return None


def parse_count(text: str, *, maximum: int) -> int | None:
    """A whole number typed by the admin: ASCII digits only (``²`` and ``۳`` are not
    numbers here), at most ``maximum``; None when it is not one."""
    text = text.strip()
    if not _ASCII_NUMBER.fullmatch(text) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None
