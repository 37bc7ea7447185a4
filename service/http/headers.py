"""Request headers as text that a database row and a log line can hold."""

from __future__ import annotations

import re

from aiohttp import web

# aiohttp hands header bytes that are not UTF-8 over as lone surrogates.
_SURROGATE = re.compile("[\ud800-\udfff]")


def header_text(request: web.Request, name: str, default: str = "") -> str:
    """The header's value with every undecodable byte shown as U+FFFD."""
    value = request.headers.get(name)
    if value is None:
        return default
    return _SURROGATE.sub("\ufffd", value)
