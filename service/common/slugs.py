"""Slugs as WordPress makes them (sanitize_title + wp_unique_post_slug), keeping
Persian and other non-Latin letters readable instead of percent-encoding them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable

MAX_SLUG = 200
_ZERO_WIDTH = {"\u200c": "-", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": ""}


def slugify(text: str, fallback: str = "item") -> str:
    """Lowercase; spaces, underscores and zero-width non-joiners become ``-``; any
    other character that is not a letter, digit or ``-`` is dropped."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = "".join(_ZERO_WIDTH.get(ch, ch) for ch in text)
    text = re.sub(r"[\s_./]+", "-", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch == "-")
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text[:MAX_SLUG].rstrip("-") or fallback


async def unique_slug(base: str, taken: Callable[[str], Awaitable[bool]]) -> str:
    """``base``, else ``base-2``, ``base-3``... the first that is not taken."""
    if not await taken(base):
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_SLUG - len(suffix)] + suffix
        if not await taken(candidate):
            return candidate
        n += 1
