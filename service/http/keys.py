"""Typed application and request state."""

from __future__ import annotations

from aiohttp import web

from service.accounts.users import User
from service.app.context import Context

CTX = web.AppKey("ctx", Context)
USER = web.RequestKey("user", User)
