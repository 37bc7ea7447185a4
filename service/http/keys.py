"""Typed application and request state."""

from __future__ import annotations

from aiohttp import web

from service.accounts import User
from service.context import Context

CTX = web.AppKey("ctx", Context)
USER = web.RequestKey("user", User)
