"""Typed application and request state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from service.app.context import Context

CTX: web.AppKey[Context] = web.AppKey("ctx")
