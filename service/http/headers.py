"""Request headers as text that a database row and a log line can hold."""

from __future__ import annotations

import re

from aiohttp import web

# aiohttp hands header bytes that are not UTF-8 over as lone surrogates; U+0000 cannot be
# stored on PostgreSQL. Both become U+FFFD.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def header_text(request: web.Request, name: str, default: str = "") -> str:
    """The header's value with every undecodable byte (and NUL) shown as U+FFFD."""
    value = request.headers.get(name)
    if value is None:
        return default
    return _UNSTORABLE.sub("\ufffd", value)
